"""Every page type once, through axe-core; their HTML through the Nu checker.

The checklist is the URL conf: every named pattern outside the admin. The
demo data (``seed_demo``) supplies the objects, and the pages' own links say
which object a pattern with arguments is shown with: people of several roles
follow the links from their dashboard and from every page without arguments
(a fast crawl with Django's test client), and the browser opens the first
address found for each pattern, as the first person who can see it, and runs
axe on it. What was checked, and the patterns not checked with the reason,
are printed and written to ``var/e2e/page-types.txt``.
"""

import io
import re
import shutil
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)

from tests.e2e.a11y import HTML_DIR, axe_result, axe_start, describe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Who looks, in this order: the public, a member of staff for the intranet,
# the director for approvals and top management, then the roles that own the
# remaining registers. A page is checked as the first of them who can see it.
EXPLORERS = [None, "staff", "director"]
# Then the owners of the remaining registers try what was refused so far.
LATECOMERS = ["quality", "pm", "office", "trainer", "sysadmin"]

# Addresses that answer with a file, not a page: a download is not HTML.
FILE_PATTERN = re.compile(r"(\.(pdf|zip|csv)|download/|/cv/|/file)$|/files/")
HREF = re.compile(r"<a\b[^>]*?\bhref=\"([^\"#]+)")
# Forms' targets too: an action answers a GET with 405 (and is no page), a
# form page on GET with itself.
ACTION = re.compile(r"<form\b[^>]*?\baction=\"([^\"#]+)")
OUTSIDE = ("/static/", "/media/", "/admin/", "/i18n/")


def _named_patterns(patterns=None):
    """``{"app:name": "route"}`` for every named pattern outside the admin."""
    found = {}
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            for name, route in _named_patterns(pattern.url_patterns).items():
                found[namespace + name] = str(pattern.pattern) + route
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.setdefault(pattern.name, str(pattern.pattern))
    return found


def _view_name(href: str) -> tuple[str, str] | None:
    parts = urlsplit(href)
    if parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(OUTSIDE):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    address = parts.path + (f"?{parts.query}" if parts.query else "")
    return match.view_name, address


def _page_template(response) -> str | None:
    """The view's own template: the first drawn that is not an include."""
    for template in response.templates:
        if template.name and not template.name.rsplit("/", 1)[-1].startswith("_"):
            return template.name
    return None


class Crawl:
    """The crawl's ledger: what was checked, what was skipped, and why.

    A page type is a pattern: the first address found for it is checked, as
    the first visitor who can see it, unless a pattern checked before was
    drawn by the same template (a create and an edit form, say).
    """

    def __init__(self, live_server, browser, html_store):
        self.base = live_server.url
        self.browser = browser
        self.html_store = html_store
        self.patterns = _named_patterns()
        self.checked: dict[str, str] = {}  # name -> address, as whom
        self.templates: dict[str, str] = {}  # template -> name checked with it
        self.skipped: dict[str, str] = {}  # name -> why it is no page to check
        self.refused: dict[str, tuple[str, str]] = {}  # name -> (address, why)
        self.problems: list[str] = []
        self._pending = None
        self.extra: list[str] = []

    def run_as(
        self, username: str | None, *, explore: bool = True, admin: bool = False
    ) -> None:
        """Crawl as ``username`` (``None``: the public). Without ``explore``
        only the pages refused to earlier visitors are tried again, and the
        links of those this visitor can see: a cheap last round."""
        client = Client()
        context = self.browser.new_context(
            locale="en-US", viewport={"width": 1280, "height": 900}
        )
        if username:
            from sapat.accounts.models import User

            client.force_login(User.objects.get(username=username))
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": self.base,
                    }
                ]
            )
        page = context.new_page()
        try:
            self._crawl(client, page, username or "anonymous", explore)
            if admin:
                self._admin(client, page, username)
            self._collect()
        finally:
            context.close()

    def _start(self, explore):
        queue = deque([address for address, _why in self.refused.values()])
        if explore:
            queue.extendleft(reversed(["/", *self.extra]))
        for name in self.patterns:
            if name in self.checked:
                continue
            try:
                queue.append(reverse(name))
            except NoReverseMatch:
                continue
        return queue

    def _crawl(self, client, page, who, explore):
        queue = self._start(explore)
        tried = set()
        while queue:
            found = _view_name(queue.popleft())
            if found is None:
                continue
            name, address = found
            # One address per pattern is enough to find the links it shows.
            if name in tried or name in self.skipped:
                continue
            if not explore and name in self.checked:
                continue
            tried.add(name)
            if FILE_PATTERN.search(urlsplit(address).path):
                self.skipped[name] = "a file download, not a page"
                continue
            response = client.get(address)
            status = response.status_code
            content_type = response.headers.get("Content-Type", "")
            if status in (301, 302):
                queue.append(response.headers["Location"])
                self.refused[name] = (address, f"redirects {who}")
            elif status == 405:
                self.skipped[name] = "POST only: an action, not a page"
            elif status != 200:
                self.refused[name] = (address, f"{status} for {who}")
                if status == 403 and "403 page" not in self.checked:
                    self.check(page, "403 page", address, who, status=403)
            elif not content_type.startswith("text/html"):
                self.skipped[name] = f"answers {content_type}, not a page"
            elif b"<html" not in response.content:
                self.skipped[name] = "an htmx fragment of a page checked whole"
            else:
                self._seen(page, name, address, who, response)
                html = response.content.decode()
                queue.extend(map(unescape, HREF.findall(html) + ACTION.findall(html)))

    def _admin(self, client, page, who):
        """Django's admin: its index, one list of objects and one object."""
        index = client.get("/admin/").content.decode()
        changelist = next(href for href in HREF.findall(index) if href.count("/") == 4)
        rows = client.get(changelist).content.decode()
        change = next(href for href in HREF.findall(rows) if href.endswith("/change/"))
        for name, address in [
            ("admin:index", "/admin/"),
            ("admin changelist", changelist),
            ("admin change form", change),
        ]:
            self.check(page, name, address, who)

    def _seen(self, page, name, address, who, response):
        if name in self.checked:
            return
        self.refused.pop(name, None)
        template = _page_template(response) or name
        if template in self.templates:
            self.skipped[name] = f"drawn by {template} like {self.templates[template]}"
            return
        self.templates[template] = name
        self.check(page, name, address, who)

    def check(self, page, name, address, who, status=200):
        """Open the page, save the HTML served, start axe on it."""
        self._collect()
        url = f"{self.base}{address}"
        response = page.goto(url)
        if response.status != status:
            self.problems.append(f"{url} ({who}): {response.status}, not {status}")
            return
        self.checked[name] = f"{address} as {who}"
        self.html_store.save(url, response.text())
        axe_start(page)
        self._pending = (page, url, who)

    def _collect(self):
        if self._pending is None:
            return
        page, url, who = self._pending
        self._pending = None
        self.extra: list[str] = []
        violations = axe_result(page)
        if violations:
            self.problems.append(f"as {who}:\n" + describe_violations(url, violations))


def _add_what_the_demo_lacks() -> None:
    """One entry in each register whose pages the demo fixtures leave empty:
    the staff member's personnel file, an objective, a development concept
    and a CAPA plan."""
    from capa.models import Action
    from sapat.accounts.models import User
    from tests.capa.factories import CapaPlanFactory
    from tests.quality.factories import ConceptFactory, ObjectiveFactory
    from tests.training.factories import EmployeeFactory
    from training.models import Post

    quality = User.objects.get(username="quality")
    EmployeeFactory(user=User.objects.get(username="staff"), post=Post.objects.first())
    ObjectiveFactory(owner=quality)
    ConceptFactory()
    CapaPlanFactory(created_by=quality, actions=list(Action.objects.all()[:2]))


def _pages_without_links() -> list[str]:
    """Pages of the demo data that no page links to: search results, and the
    public verification page of the signed policy (its address is printed
    on the PDF)."""
    from sapat.signing.models import SignedPDF

    pages = ["/search/?q=" + quote("ДЖ-01")]
    pdf = SignedPDF.objects.filter(status=SignedPDF.Status.READY).first()
    if pdf is not None:
        pages.append(reverse("verify_code", args=[pdf.code]))
    return pages


def test_every_page_type_passes_axe(live_server, browser, html_store, pdf_keys):
    # Signing the demo policy runs asyncio, which Playwright's loop in this
    # thread would refuse.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(call_command, "seed_demo", stdout=io.StringIO()).result()
    _add_what_the_demo_lacks()
    crawl = Crawl(live_server, browser, html_store)
    crawl.extra = _pages_without_links()
    for username in EXPLORERS:
        crawl.run_as(username, admin=username == "director")
    for username in LATECOMERS:
        crawl.run_as(username, explore=False)
    lost = browser.new_page()
    crawl.check(lost, "404 page", "/no-such-page/", "anonymous", status=404)
    crawl._collect()
    lost.context.close()

    unreached = set(crawl.patterns) - set(crawl.checked) - set(crawl.skipped)
    lines = [f"{len(crawl.checked)} page types checked with axe:"]
    lines += [f"  {name}: {where}" for name, where in sorted(crawl.checked.items())]
    lines.append(f"{len(crawl.skipped)} patterns not checked, being no page:")
    lines += [f"  {name}: {why}" for name, why in sorted(crawl.skipped.items())]
    lines.append(f"{len(unreached)} patterns no visitor reached:")
    for name in sorted(unreached):
        address, why = crawl.refused.get(name, ("", "no link to it was found"))
        lines.append(f"  {name}: {why} {address}".rstrip())
    report = "\n".join(lines)
    (HTML_DIR.parent / "page-types.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    assert not crawl.problems, "\n\n".join(crawl.problems)
    # A crawl that lost its way would pass on nothing: every app shows pages.
    apps = {name.split(":")[0] for name in crawl.patterns if ":" in name}
    seen = {name.split(":")[0] for name in crawl.checked if ":" in name}
    assert apps <= seen, f"no page checked in {sorted(apps - seen)}"
    assert {"dashboard", "search", "403 page", "404 page"} <= set(crawl.checked)


def test_served_html_is_valid(html_store):
    """Runs last (see conftest): every page the browser tests received."""
    from tests.e2e.a11y import VNU_JAR

    if not html_store.urls:
        pytest.skip("no browser test saved a page")
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: make tests/e2e/node_modules/.installed")
    if shutil.which("java") is None:
        pytest.fail("java is missing: apt-get install default-jre-headless")
    errors = html_store.validate()
    assert not errors, "\n".join(errors)
