"""pip-audit of requirements.lock that never fails CI for lack of network.

Usage: ``python .ci/pip_audit.py [LOCK]`` (default requirements.lock).

Exit 1 only when the vulnerability service answered and reported a known
vulnerability. When pip-audit is not installed, times out, cannot reach its
service, or the service answers for none of the pinned packages (an offline
mirror answers "not found" for all of them, which pip-audit would otherwise
report as "No known vulnerabilities found"), the step prints that it was
skipped and why, and exits 0.

Only the standard library: it runs before anything else is importable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # nosec B404
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = int(os.environ.get("PIP_AUDIT_TIMEOUT", "300"))


def find_pip_audit() -> str | None:
    """pip-audit next to this Python (the virtualenv), else on PATH."""
    override = os.environ.get("PIP_AUDIT")
    if override:
        return override if Path(override).is_file() else None
    beside = Path(sys.executable).with_name("pip-audit")
    return str(beside) if beside.is_file() else shutil.which("pip-audit")


def verdict(report: dict) -> tuple[int, list[str]]:
    """(exit code, lines to print) for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    if not audited:
        reason = skipped[0]["skip_reason"] if skipped else "no packages in the lock"
        return 0, [
            "pip-audit skipped: the vulnerability service answered for none of "
            f"the {len(dependencies)} pinned packages (first: {reason})."
        ]
    lines = []
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            lines.append(
                f"{dependency['name']} {dependency['version']}: {vuln['id']} "
                f"(fixed in {fixed})"
            )
    for dependency in skipped:
        lines.append(f"not audited: {dependency['name']}: {dependency['skip_reason']}")
    lines.append(
        f"pip-audit: {len(audited)} packages audited, {len(vulnerable)} vulnerable, "
        f"{len(skipped)} not audited."
    )
    return (1 if vulnerable else 0), lines


def main(argv: list[str]) -> int:
    lock = Path(argv[1]) if len(argv) > 1 else ROOT / "requirements.lock"
    tool = find_pip_audit()
    if tool is None:
        print("pip-audit unavailable: not installed in this environment; skipped.")
        return 0
    command = [
        tool,
        "--requirement",
        str(lock),
        "--require-hashes",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--timeout",
        "15",
        "--format",
        "json",
    ]
    try:
        result = subprocess.run(  # noqa: S603  # nosec B603
            command, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        print(f"pip-audit skipped: no answer within {TIMEOUT}s (network?).")
        return 0
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(
            "pip-audit skipped: it could not query the vulnerability service "
            f"(exit {result.returncode}): {last}"
        )
        return 0
    code, lines = verdict(report)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
