"""Accessibility and HTML checks the browser tests run on the pages they see.

* axe-core (vendored in ``vendor/axe-core/``) runs in the page and reports
  violations; the tests fail on those of impact "serious" or "critical".
* The Nu HTML checker (``vnu.jar`` from the npm package ``vnu-jar``, installed
  by ``npm ci`` in this folder) validates the HTML the server sent (the
  response body, not the DOM scripts made of it), all pages in one run.
"""

import json
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE_SOURCE = HERE / "vendor" / "axe-core" / "axe.min.js"
VNU_JAR = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTML_DIR = HERE.parents[1] / "var" / "e2e" / "html"

FAILING_IMPACTS = {"serious", "critical"}

# What axe checks: the WCAG 2.x A and AA rules and its best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

_axe_source = None


def axe_start(page) -> None:
    """Start axe on the page as it is now; :func:`axe_result` waits for it.

    axe is evaluated through the DevTools protocol, which the page's Content
    Security Policy does not govern: the portal's CSP stays as it is served.
    Starting without waiting lets the caller fetch the next page meanwhile.
    """
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_SOURCE.read_text(encoding="utf-8")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source)
    page.evaluate(
        "options => { window.__axeRun = window.axe.run(document, options); }",
        AXE_OPTIONS,
    )


def axe_result(page) -> list[dict]:
    """The serious and critical violations found by the last :func:`axe_start`."""
    result = page.evaluate("() => window.__axeRun")
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


def axe_violations(page) -> list[dict]:
    """The serious and critical axe violations of the page as it is now."""
    axe_start(page)
    return axe_result(page)


def describe_violations(url: str, violations: list[dict]) -> str:
    """One paragraph per rule: the rule, its help, and the offending nodes."""
    lines = []
    for violation in violations:
        lines.append(
            f"{url}: [{violation['impact']}] {violation['id']}: {violation['help']}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(json.dumps(t) for t in node["target"])
            lines.append(f"    {target}  {node['failureSummary'].splitlines()[-1]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... {len(violation['nodes']) - 10} more nodes")
    return "\n".join(lines)


class HtmlStore:
    """The HTML bodies the tests received, saved to be validated in one batch."""

    def __init__(self, folder: Path = HTML_DIR):
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.urls: dict[str, str] = {}

    def save(self, url: str, html: str) -> None:
        path = self.folder / f"{len(self.urls):04d}.html"
        path.write_text(html, encoding="utf-8")
        self.urls[path.name] = url

    def validate(self) -> list[str]:
        """The Nu HTML checker's errors, one line each, naming page and line."""
        if not self.urls:
            return []
        paths = sorted(self.folder.glob("*.html"))
        completed = subprocess.run(
            [
                shutil.which("java") or "java",
                "-jar",
                str(VNU_JAR),
                "--errors-only",
                "--format",
                "json",
                *map(str, paths),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        messages = json.loads(completed.stderr or completed.stdout)["messages"]
        errors = []
        for message in messages:
            name = message.get("url", "?").rsplit("/", 1)[-1]
            url = self.urls.get(name, name)
            where = f"{url}:{message.get('lastLine', '?')}"
            extract = message.get("extract", "").replace("\n", " ")
            errors.append(f"{where}: {message['message']}  «{extract}»")
        return errors
