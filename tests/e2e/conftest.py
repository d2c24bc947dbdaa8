"""Browser tests: Playwright driving Debian's Chromium (never a downloaded one)."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "e2e"

# Flags for a headless Chromium on a machine with no outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def pytest_collection_modifyitems(config, items):
    """The HTML check validates what every browser test saved: it runs last."""
    last = [item for item in items if item.name == "test_served_html_is_valid"]
    items[:] = [item for item in items if item not in last] + last


@pytest.fixture(scope="session")
def html_store():
    from tests.e2e.a11y import HTML_DIR, HtmlStore

    # Under pytest-xdist each worker validates what it saved itself.
    return HtmlStore(HTML_DIR / os.environ.get("PYTEST_XDIST_WORKER", "main"))


def _keep_html(html_store, response):
    """Save a page the browser was served, for the HTML check at the end."""
    if response.request.resource_type != "document":
        return
    if response.status != 200 and response.status not in (403, 404, 429):
        return
    if not response.headers.get("content-type", "").startswith("text/html"):
        return
    html_store.save(response.url, response.text())


@pytest.fixture
def page(browser, request, html_store):
    from tests.e2e.a11y import axe_violations, describe_violations

    context = browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" else None,
    )
    # 429 is the lockout page, an answer the tests ask for.
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.status != 429
            else None
        ),
    )
    page.on("response", lambda r: _keep_html(html_store, r))
    yield page
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{request.node.name}.png"), full_page=True)
    # The page the journey ends on, through axe (the crawl of
    # test_accessibility sees each page type only as it first opens).
    if page.evaluate("() => document.contentType") == "text/html":
        violations = axe_violations(page)
        if violations:
            errors.append(describe_violations(page.url, violations))
    context.close()
    # A CSP violation or a missing asset shows up as a console error.
    errors = [e for e in errors if "status of 429" not in e]
    assert not errors, errors


@pytest.fixture
def iso_clauses(db):
    """The clause register its data migration wrote; a transactional test
    before this one flushed it away."""
    from importlib import import_module

    from django.apps import apps

    from sapat.quality.models import IsoClause

    if not IsoClause.objects.exists():
        migration = import_module("sapat.quality.migrations.0002_iso_clauses")
        migration.create_clauses(apps, None)
