"""bandit and pip-audit in CI, and PDFs that fetch nothing from outside."""

from __future__ import annotations

import importlib.util
import io
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from sapat.signing import pdf as pdf_module

ROOT = Path(__file__).resolve().parent.parent


def _pip_audit_module():
    spec = importlib.util.spec_from_file_location(
        "pip_audit_ci", ROOT / ".ci/pip_audit.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- CI steps ------------------------------------------------------------------


def test_ci_runs_bandit_and_pip_audit_after_lint():
    run = (ROOT / ".ci" / "run").read_text()
    assert 'section "bandit"\n.venv/bin/bandit -c pyproject.toml -r . -q\n' in run
    assert ".venv/bin/python .ci/pip_audit.py requirements.lock" in run
    assert (
        run.index("make lint")
        < run.index('section "bandit"')
        < run.index("\nmake test\n")
    )
    makefile = (ROOT / "Makefile").read_text()
    assert "\nsecurity: install\n" in makefile


def test_bandit_is_configured_to_skip_tests_venv_and_migrations():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    excluded = config["tool"]["bandit"]["exclude_dirs"]
    assert {"tests", ".venv", "*/migrations/*"} <= set(excluded)
    dev = " ".join(config["project"]["optional-dependencies"]["dev"])
    assert "bandit" in dev
    assert "pip-audit" in dev


# --- pip-audit wrapper ---------------------------------------------------------


def test_pip_audit_is_skipped_when_the_service_answers_for_no_package():
    code, lines = _pip_audit_module().verdict(
        {
            "dependencies": [
                {"name": "django", "version": "5.2", "skip_reason": "not found"},
                {"name": "celery", "version": "5.5", "skip_reason": "not found"},
            ]
        }
    )
    assert code == 0
    assert lines[0].startswith("pip-audit skipped:")
    assert "none of the 2 pinned packages" in lines[0]


def test_pip_audit_fails_on_a_known_vulnerability():
    code, lines = _pip_audit_module().verdict(
        {
            "dependencies": [
                {
                    "name": "django",
                    "version": "5.2",
                    "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}],
                },
                {"name": "celery", "version": "5.5", "vulns": []},
            ]
        }
    )
    assert code == 1
    assert "django 5.2: PYSEC-1 (fixed in 5.2.1)" in lines
    assert lines[-1] == "pip-audit: 2 packages audited, 1 vulnerable, 0 not audited."


def test_pip_audit_passes_a_clean_report():
    code, lines = _pip_audit_module().verdict(
        {"dependencies": [{"name": "django", "version": "5.2", "vulns": []}]}
    )
    assert code == 0
    assert lines == ["pip-audit: 1 packages audited, 0 vulnerable, 0 not audited."]


def test_pip_audit_step_says_so_and_passes_when_the_tool_is_missing(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "pip_audit.py")],
        env={"PIP_AUDIT": str(tmp_path / "missing"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "pip-audit unavailable" in result.stdout


def test_pip_audit_step_is_skipped_when_the_tool_cannot_reach_its_service(tmp_path):
    fake = tmp_path / "pip-audit"
    fake.write_text("#!/bin/sh\necho 'ConnectionError: no route to host' >&2\nexit 1\n")
    fake.chmod(0o755)
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "pip_audit.py")],
        env={"PIP_AUDIT": str(fake), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "pip-audit skipped" in result.stdout
    assert "no route to host" in result.stdout


# --- PDFs fetch nothing from outside static and media ----------------------------

HOSTILE = """<html><head>
<link rel="stylesheet" href="http://example.com/evil.css">
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="attachment" href="file:///etc/passwd">
<link rel="attachment" href="https://example.com/payload.bin">
</head><body><p>Hello</p>
<img src="http://169.254.169.254/latest/meta-data/">
<img src="file:///etc/passwd">
<img src="/static/../../../etc/passwd">
</body></html>"""


def test_a_pdf_pointing_outside_fetches_nothing(monkeypatch, db):
    asked, served = [], []
    real = pdf_module.safe_url_fetcher

    def spy(url, **kwargs):
        asked.append(url)
        response = real(url, **kwargs)
        served.append(url)
        return response

    def no_network(*args, **kwargs):
        raise AssertionError(f"a PDF opened a connection: {args}")

    monkeypatch.setattr(pdf_module, "safe_url_fetcher", spy)
    monkeypatch.setattr(pdf_module, "render_to_string", lambda *a, **k: HOSTILE)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)

    data = pdf_module.render_pdf("pdf/hostile.html", {"organisation": None})

    assert "file:///etc/passwd" in asked
    assert "http://example.com/evil.css" in asked
    assert not [url for url in served if "passwd" in url or "://" in url]
    reader = PdfReader(io.BytesIO(data))
    assert reader.attachments == {}
    assert "Hello" in reader.pages[0].extract_text()
    passwd = Path("/etc/passwd")
    if passwd.is_file():
        assert passwd.read_bytes()[:20] not in data


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/x.css"])
def test_the_fetcher_class_weasyprint_uses_refuses(url):
    with pytest.raises(ValueError):
        pdf_module.SafeURLFetcher().fetch(url)
