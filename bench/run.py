"""``make bench``: every list and detail page at 1× and 30× an agency year.

    python bench/run.py [--scales 1,30] [--requests 10] [--seed 1]
                        [--database-url URL] [--feedback-seconds 5]

In one run: builds a throwaway SQLite database in a temporary folder (or uses
``--database-url``, given explicitly, e.g. an empty PostgreSQL database),
migrates it, loads the demo data (``seed_demo``), then for each scale adds
agency years with :func:`sapat.scale.seed_scale` until the database holds
that many, and measures through the Django test client, DEBUG off, the
portal's own middleware:

* every list page (URL patterns without arguments that answer HTML to the
  director) and every detail page (``get_absolute_url`` of a seeded row of
  every model that has one), plus ``/search/`` for a few Cyrillic words, as
  the director and as ``staff``, a non-superuser member of staff who holds
  object permissions (team places on a fifth of the projects, restricted
  documents and files);
* for each paginated list, a bare Django ``ListView`` of the same model, the
  same page size and ordering, on a temporary urlconf behind the same
  middleware, in the same loop, and the ratio of the p95s;
* the queries of each page at each scale;

then, once: render + sign of the 1000-row nomenclature of files against bare
WeasyPrint of the same HTML (``bench/pdf.py``), and ``/feedback/`` GET and
POST throughput under gunicorn on 127.0.0.1 (``bench/throughput.py``).

Prints a table and the goals (no query count growing with rows; p95 ≤ 1.5×
the bare ListView at the largest scale; staff's lists ≤ 1.2× the director's;
PDF ≤ 1.3×), writes ``bench/results.json``. It reports and never fails:
tests do not assert timings (STYLE.md, rule 17).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
import types
import warnings
from dataclasses import asdict, dataclass, field
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pdf  # noqa: E402
import throughput  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
SEARCHES = ["аккредитация", "аудит", "семинар", "документтерди"]
USERS = ("director", "staff")
GOAL_BARE = 1.5
GOAL_STAFF = 1.2
WARM_UP = 1
#: List routes that are not pages to read: forms, one-off actions, files,
#: Django's admin, the language switch and the load balancer's probe.
SKIP_ROUTE = re.compile(
    r"(^admin/|new/|/new|seed/|compile/|logout|setlang|healthz|import|"
    r"\.(csv|pdf|xlsx|json|txt|xml)$|^feedback/$)"
)
#: Models whose pages are not the portal's: Django's and libraries' own.
SKIP_APPS = {"admin", "auth", "contenttypes", "sessions", "guardian", "axes"}


@dataclass
class Page:
    """One page measured at one scale."""

    name: str
    kind: str  # "list", "detail" or "search"
    url: str
    bare: str = ""
    layout: str = ""
    per_page: int = 0
    model: str = ""
    pages: int = 1
    status: dict[str, int] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    p50: dict[str, float] = field(default_factory=dict)
    p95: dict[str, float] = field(default_factory=dict)
    bare_p50: float | None = None
    bare_p95: float | None = None
    layout_p95: float | None = None


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    if len(seconds) < 2:
        value = seconds[0] * 1000 if seconds else float("nan")
        return value, value
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return statistics.median(seconds) * 1000, cuts[94] * 1000


def setup(folder: Path, database_url: str) -> dict[str, str]:
    env = throughput.environment(folder, database_url)
    os.environ.update(env)
    sys.path.insert(0, str(folder))
    warnings.filterwarnings("ignore", message="No directory at")

    import logging

    import django

    django.setup()
    # 403s and 405s of the page discovery are expected, not news.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("kombu").setLevel(logging.ERROR)
    return env


def migrate(folder: Path, database_url: str) -> bool:
    """Migrate the bench's database; True if it was copied migrated.

    Migrating SQLite from nothing takes over a minute of the budget, so the
    migrated file is kept in ``var/bench/`` under a hash of every migration
    and copied next time; the data itself is made fresh each run. A
    ``--database-url`` database is always migrated.
    """
    import hashlib
    import shutil

    from django.core.management import call_command

    if database_url:
        call_command("migrate", verbosity=0, interactive=False)
        return False
    import django
    from django.apps import apps

    digest = hashlib.sha256(django.get_version().encode())
    for config in apps.get_app_configs():
        for path in sorted((Path(config.path) / "migrations").glob("*.py")):
            digest.update(path.read_bytes())
    cache = ROOT / "var" / "bench" / f"migrated-{digest.hexdigest()[:16]}.sqlite3"
    target = folder / "bench.sqlite3"
    if cache.exists():
        shutil.copyfile(cache, target)
        return True
    call_command("migrate", verbosity=0, interactive=False)
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.glob("migrated-*.sqlite3"):
        old.unlink()
    from django.db import connection

    connection.close()
    shutil.copyfile(target, cache)
    return False


def list_routes() -> list[tuple[str, str]]:
    """``(url, name)`` of every URL pattern without arguments."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = entry.namespace or ""
                space = ":".join(n for n in (namespace, inner) if n)
                walk(entry.url_patterns, route, space)
            elif isinstance(entry, URLPattern) and "<" not in route:
                name = ":".join(n for n in (namespace, entry.name or route) if n)
                if not SKIP_ROUTE.search(route):
                    found.append(("/" + route.lstrip("^").rstrip("$"), name))

    walk(get_resolver().url_patterns, "", "")
    return found


def detail_names() -> set[str]:
    """Names of URL patterns with arguments that look like detail pages."""
    from django.urls import URLResolver, get_resolver

    names = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or ""
                walk(entry.url_patterns, ":".join(n for n in (namespace, inner) if n))
            elif "<" in str(entry.pattern) and "detail" in (entry.name or ""):
                names.add(":".join(n for n in (namespace, entry.name) if n))

    walk(get_resolver().url_patterns, "")
    return names


def bare_view(model, per_page: int, ordering, *, layout: bool = False):
    """A bare ``ListView`` of ``model``: a table of its own columns, alone
    or (``layout``) inside the portal's base.html, to tell the cost of the
    layout every page shares from the cost of the list's own work."""
    from django.template import engines
    from django.views.generic import ListView

    columns = [f.attname for f in model._meta.concrete_fields if not f.is_relation][:6]
    cells = "".join(f"<td>{{{{ row.{c} }}}}</td>" for c in columns)
    body = (
        f"<table>{{% for row in object_list %}}<tr>{cells}</tr>{{% endfor %}}"
        "</table>{% if page_obj.has_next %}"
        "<a href='?page={{ page_obj.next_page_number }}'>&gt;</a>{% endif %} "
        "{{ page_obj.number }} / {{ page_obj.paginator.num_pages }}"
    )
    if layout:
        source = (
            '{% extends "base.html" %}'
            f"{{% block title %}}{model.__name__}{{% endblock title %}}"
            f"{{% block content %}}{body}{{% endblock content %}}"
        )
    else:
        source = (
            '<!DOCTYPE html><html lang="ky"><head><meta charset="utf-8">'
            f"<title>{model.__name__}</title></head><body>{body}</body></html>"
        )
    template = engines["django"].from_string(source)

    class Bare(ListView):
        paginate_by = per_page

        def get_template_names(self):
            return template

    Bare.model = model
    Bare.ordering = ordering
    return Bare.as_view()


def urlconf(bares: dict[str, object]):
    """The portal's URLs behind the bare ListViews, as a module."""
    from django.urls import path

    from sapat import urls as portal

    module = types.ModuleType(f"bench_urls_{len(sys.modules)}")
    module.urlpatterns = [
        *(path(url.lstrip("/"), view) for url, view in bares.items()),
        *portal.urlpatterns,
    ]
    for handler in ("handler403", "handler404", "handler500"):
        setattr(module, handler, getattr(portal, handler))
    sys.modules[module.__name__] = module
    return module.__name__


def get(client, url: str, page: int | None = None):
    path, _sep, query = url.partition("?")
    from urllib.parse import parse_qsl

    data = dict(parse_qsl(query))
    if page:
        data["page"] = page
    return client.get(path, data)


def discover(clients: dict, users: dict) -> tuple[list[Page], dict]:
    """The pages at this scale, their bare ListViews, statuses and queries.

    Lists are read once per user with the test instrumentation on, to find
    the page object (model, page size, ordering) the real view paginates.
    """
    from django.apps import apps
    from django.db import connection
    from django.test.utils import (
        CaptureQueriesContext,
        setup_test_environment,
        teardown_test_environment,
    )

    pages: list[Page] = []
    bares = {}
    setup_test_environment()
    try:
        for url, name in list_routes():
            response = clients["director"].get(url)
            kind = response.get("Content-Type", "")
            if response.status_code != 200 or not kind.startswith("text/html"):
                continue
            page = Page(name=name, kind="list", url=url)
            page_obj = response.context and response.context.get("page_obj")
            if page_obj is not None and hasattr(page_obj, "paginator"):
                paginator = page_obj.paginator
                queryset = paginator.object_list
                model = getattr(queryset, "model", None)
                if model is not None:
                    ordering = tuple(queryset.query.order_by) or tuple(
                        model._meta.ordering or ("-pk",)
                    )
                    page.model = model._meta.label
                    page.per_page = paginator.per_page
                    page.bare = f"/bench/bare/{len(bares)}/"
                    page.layout = f"/bench/layout/{len(bares)}/"
                    page.pages = paginator.num_pages
                    bares[page.bare] = bare_view(model, paginator.per_page, ordering)
                    bares[page.layout] = bare_view(
                        model, paginator.per_page, ordering, layout=True
                    )
            pages.append(page)
        for word in SEARCHES:
            pages.append(
                Page(name=f"search «{word}»", kind="search", url=f"/search/?q={word}")
            )
    finally:
        teardown_test_environment()
    pages += detail_pages(apps, clients, users)
    for page in pages:
        for user, client in clients.items():
            with CaptureQueriesContext(connection) as captured:
                response = get(client, page.url)
            page.status[user] = response.status_code
            page.queries[user] = len(captured)
    return pages, bares


def detail_pages(apps, clients, users) -> list[Page]:
    """One detail page a model: a seeded row both users may open if any."""
    from django.contrib.auth import get_user_model
    from django.urls import Resolver404, resolve

    staff = users["staff"]
    user_model = get_user_model()
    found: dict[str, Page] = {}
    for model in apps.get_models():
        if (
            model._meta.app_label in SKIP_APPS
            or model.__name__.startswith("Historical")
            or not hasattr(model, "get_absolute_url")
        ):
            continue
        candidates = list(model.objects.order_by("-pk")[:3])
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model is user_model:
                row = model.objects.filter(**{fk.name: staff}).order_by("-pk").first()
                if row is not None:
                    candidates.insert(0, row)
        if any(f.name == "team" for f in model._meta.related_objects):
            row = model.objects.filter(team__user=staff).order_by("-pk").first()
            if row is not None:
                candidates.insert(0, row)
        chosen = None
        for row in candidates:
            try:
                url = row.get_absolute_url()
                name = resolve(url.partition("?")[0])
            except Resolver404:
                continue
            if not name.kwargs or name.view_name in found:
                continue
            codes = {u: clients[u].get(url).status_code for u in USERS}
            if codes["director"] != 200:
                continue
            if chosen is None or codes["staff"] == 200:
                chosen = Page(
                    name=name.view_name, kind="detail", url=url, model=model._meta.label
                )
            if codes["staff"] == 200:
                break
        if chosen is not None:
            found[chosen.name] = chosen
    return list(found.values())


def measure(pages: list[Page], clients: dict, requests: int, rng) -> None:
    """p50/p95 of each page for each user, its bare ListView in turn."""
    for page in pages:
        numbers = [None] * requests
        if page.bare and page.pages > 1:
            numbers = [rng.randint(1, page.pages) for _ in range(requests)]
        times: dict[str, list[float]] = {user: [] for user in clients}
        bare: list[float] = []
        layout: list[float] = []
        for turn, number in enumerate([None] * WARM_UP + numbers):
            order = list(clients.items())
            if turn % 2:
                order.reverse()
            for user, client in order:
                start = time.perf_counter()
                get(client, page.url, number)
                if turn >= WARM_UP:
                    times[user].append(time.perf_counter() - start)
            if page.bare:
                # As the staff member; the bare view paginates every row, so
                # the numbers drawn from the director's page count exist.
                for url, seconds in ((page.bare, bare), (page.layout, layout)):
                    start = time.perf_counter()
                    get(clients["staff"], url, number)
                    if turn >= WARM_UP:
                        seconds.append(time.perf_counter() - start)
        for user, seconds in times.items():
            page.p50[user], page.p95[user] = percentiles(seconds)
        if bare:
            page.bare_p50, page.bare_p95 = percentiles(bare)
            page.layout_p95 = percentiles(layout)[1]


def fmt(value: float | None, width: int = 7) -> str:
    return f"{value:>{width}.1f}" if value is not None else f"{'—':>{width}}"


def table(scale: float, pages: list[Page], earlier: dict) -> list[str]:
    """The printed table of one scale; ``earlier`` maps (page, user) to the
    query counts of the scales before."""
    lines = [
        f"\n== {scale:g}× ==",
        f"{'page':<42}{'user':<9}{'code':>5}{'p50':>8}{'p95':>8}{'bare95':>8}"
        f"{'ratio':>7}{'layout95':>9}{'×layout':>8}  {'queries':<12}goal",
    ]
    for page in pages:
        for user in USERS:
            ratio = page.p95[user] / page.bare_p95 if page.bare_p95 else None
            in_layout = page.p95[user] / page.layout_p95 if page.layout_p95 else None
            counts = [*earlier.get((page.name, user), []), page.queries[user]]
            grew = counts[-1] > counts[0]
            verdicts = []
            if page.status[user] != 200:
                ratio = in_layout = None
            if ratio is not None:
                verdicts.append("ok" if ratio <= GOAL_BARE else "SLOW")
            if grew:
                verdicts.append("QUERIES GROW")
            if user == "staff" and page.kind == "list" and page.p95.get("director"):
                staff_ratio = page.p95["staff"] / page.p95["director"]
                if staff_ratio > GOAL_STAFF:
                    verdicts.append(f"staff {staff_ratio:.2f}× director")
            lines.append(
                f"{page.name[:41]:<42}{user:<9}{page.status[user]:>5}"
                f"{fmt(page.p50[user], 8)}{fmt(page.p95[user], 8)}"
                f"{fmt(page.bare_p95, 8)}"
                f"{(f'{ratio:.2f}×' if ratio else '—'):>7}"
                f"{fmt(page.layout_p95, 9)}"
                f"{(f'{in_layout:.2f}×' if in_layout else '—'):>8}  "
                f"{'/'.join(map(str, counts)):<12}{' '.join(verdicts)}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", default="1,30", help="agency years to measure at (1,30)"
    )
    parser.add_argument("--requests", type=int, default=8, help="per page and user")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default="",
        help="an empty database to use instead of a throwaway SQLite file",
    )
    parser.add_argument("--feedback-seconds", type=float, default=5)
    parser.add_argument("--pdf-runs", type=int, default=2)
    args = parser.parse_args()
    scales = sorted(float(s) for s in args.scales.split(","))
    started = time.perf_counter()

    folder_holder = tempfile.TemporaryDirectory(prefix="sapat-bench-")
    folder = Path(folder_holder.name)
    env = setup(folder, args.database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from sapat.accounts.models import User
    from sapat.scale import seed_scale

    step = time.perf_counter()
    cached = migrate(folder, args.database_url)
    call_command("seed_demo", stdout=StringIO())
    prepared = time.perf_counter() - step
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"Sapat bench: {engine}, DEBUG={settings.DEBUG}, {os.cpu_count()} cores, "
        f"{args.requests} requests a page and user; migrate "
        f"{'(a copy of var/bench/) ' if cached else ''}+ demo {prepared:.0f} s",
        flush=True,
    )
    results: dict = {
        "machine": {
            "python": platform.python_version(),
            "cores": os.cpu_count(),
            "database": engine,
            "load_average": os.getloadavg(),
        },
        "requests": args.requests,
        "prepare_s": prepared,
        "scales": {},
    }
    users = {name: User.objects.get(username=name) for name in USERS}
    rng = random.Random(args.seed)  # noqa: S311 - page numbers, no secret
    seeded = 0.0
    earlier: dict[tuple[str, str], list[int]] = {}
    lines: list[str] = []
    for scale in scales:
        step = time.perf_counter()
        made = seed_scale(scale=scale - seeded, seed=args.seed)
        seeded = scale
        seed_s = time.perf_counter() - step
        print(f"seeded up to {scale:g}× in {seed_s:.0f} s", flush=True)
        hosts = override_settings(ALLOWED_HOSTS=["testserver", "localhost"])
        hosts.enable()
        clients = {}
        for name, user in users.items():
            clients[name] = Client()
            clients[name].force_login(user)
        step = time.perf_counter()
        pages, bares = discover(clients, users)
        with override_settings(ROOT_URLCONF=urlconf(bares)):
            staff_client = clients["staff"]
            for page in pages:
                if page.bare:
                    page.queries["bare"] = len(
                        _queries(lambda p=page, c=staff_client: get(c, p.bare))
                    )
            measure(pages, clients, args.requests, rng)
        measured = time.perf_counter() - step
        hosts.disable()
        lines += table(scale, pages, earlier)
        print("\n".join(table(scale, pages, earlier)), flush=True)
        print(f"measured {len(pages)} pages in {measured:.0f} s", flush=True)
        for page in pages:
            for user in USERS:
                earlier.setdefault((page.name, user), []).append(page.queries[user])
        results["scales"][f"{scale:g}"] = {
            "seed_s": seed_s,
            "measure_s": measured,
            "seeded": made.counts,
            "pages": [asdict(page) for page in pages],
        }
    largest = results["scales"][f"{scales[-1]:g}"]["pages"]
    left_out = sorted(
        detail_names() - {p["name"] for p in largest if p["kind"] == "detail"}
    )
    results["detail_pages_left_out"] = left_out

    print("\nPDF: render + sign of the 1000-row nomenclature …", flush=True)
    results["pdf"] = pdf.measure(runs=args.pdf_runs)
    print(f"/feedback/ under gunicorn, {args.feedback_seconds:g} s each …", flush=True)
    results["feedback"] = throughput.measure(
        folder=folder, env=env, seconds=args.feedback_seconds
    )
    results["total_s"] = time.perf_counter() - started
    summary = summarise(results, scales)
    print("\n".join(summary))
    results["summary"] = summary
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    print(f"written {RESULTS.relative_to(ROOT)}")
    folder_holder.cleanup()


def _queries(work) -> list:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        work()
    return captured.captured_queries


def summarise(results: dict, scales: list[float]) -> list[str]:
    """The goals, met or not, at the largest scale."""
    last = results["scales"][f"{scales[-1]:g}"]["pages"]
    first = results["scales"][f"{scales[0]:g}"]["pages"]
    before = {(p["name"], u): p["queries"][u] for p in first for u in USERS}
    grew = [
        f"{p['name']} ({u}: {before[(p['name'], u)]} → {p['queries'][u]})"
        for p in last
        for u in USERS
        if (p["name"], u) in before and p["queries"][u] > before[(p["name"], u)]
    ]
    slow = [
        f"{p['name']} ({u}: {p['p95'][u] / p['bare_p95']:.2f}×)"
        for p in last
        if p["bare_p95"]
        for u in USERS
        if p["status"][u] == 200 and p["p95"][u] / p["bare_p95"] > GOAL_BARE
    ]
    layout = [
        f"{p['name']} ({u}: {p['p95'][u] / p['layout_p95']:.2f}×)"
        for p in last
        if p["layout_p95"]
        for u in USERS
        if p["status"][u] == 200 and p["p95"][u] / p["layout_p95"] > GOAL_BARE
    ]
    staff = [
        f"{p['name']} ({p['p95']['staff'] / p['p95']['director']:.2f}×)"
        for p in last
        if p["kind"] == "list"
        and p["status"]["staff"] == 200
        and p["p95"]["staff"] / p["p95"]["director"] > GOAL_STAFF
    ]
    pdf_result, feedback = results["pdf"], results["feedback"]
    lines = [
        "",
        f"== goals at {scales[-1]:g}× ==",
        f"query count grows with rows ({scales[0]:g}× → {scales[-1]:g}×): "
        f"{len(grew)} page/user pairs" + ("" if not grew else ": " + "; ".join(grew)),
        f"p95 > {GOAL_BARE}× bare ListView: {len(slow)}"
        + ("" if not slow else ": " + "; ".join(slow)),
        f"(p95 > {GOAL_BARE}× the same bare ListView inside base.html: {len(layout)}"
        + ("" if not layout else ": " + "; ".join(layout))
        + ")",
        f"staff's list p95 > {GOAL_STAFF}× the director's: {len(staff)}"
        + ("" if not staff else ": " + "; ".join(staff)),
        f"PDF {pdf_result['rows']} rows, {pdf_result['pages']} pages: bare "
        f"{pdf_result['best_s']['bare WeasyPrint']:.2f} s, render + sign "
        f"{pdf_result['best_s']['render_pdf + sign_pdf']:.2f} s = "
        f"{pdf_result['ratio']:.2f}× (goal ≤ {pdf.GOAL}×: "
        f"{'met' if pdf_result['ratio'] <= pdf.GOAL else 'not met'}); "
        f"verifies: {pdf_result['verifies']}",
        f"/feedback/ GET {feedback['get']['per_s']:.0f}/s ({feedback['get']['failed']} "
        f"failed; goal ≥ {feedback['goal_get_per_s']}/s), POST "
        f"{feedback['post']['per_s']:.0f}/s ({feedback['post']['failed']} failed), "
        f"{feedback['workers']} gunicorn workers, {feedback['clients']} clients",
        "detail pages left out (no row in the data set to open, or no model's "
        "get_absolute_url leads there): "
        + (", ".join(results["detail_pages_left_out"]) or "none"),
        "seed time: "
        + ", ".join(f"{s} {v['seed_s']:.0f} s" for s, v in results["scales"].items())
        + f"; total {results['total_s'] / 60:.1f} min",
    ]
    if feedback["first_failure"]:
        lines.append(f"first failed feedback request: {feedback['first_failure']}")
    return lines


if __name__ == "__main__":
    main()
