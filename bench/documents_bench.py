"""How the register of documents pages and searches at 10 000 documents.

    DJANGO_SETTINGS_MODULE=sapat.settings.dev python bench/documents_bench.py \
        [--documents 10000] [--requests 200]

Builds a throwaway SQLite database in a temporary folder (whatever
DATABASE_URL says, it is replaced for this run), migrates it, fills it in bulk
with documents, their revision in force and their owners, then measures, as a
logged-in member of the "Staff" role (no superuser), GET ``?page=N`` for random
N on the register (``documents:index``) against a bare Django ``ListView`` of
the same model (25 a page, ordered by code) mounted on a temporary urlconf,
and the same bare view inside the portal's base.html (to tell the layout's
cost from the register's). All go through the same middleware. It prints p50,
p95 and queries a page, and the ratio of the p95s against the goal of 1.5x,
then times ``search_documents`` over all the rows. It reports and never fails:
tests do not assert timings (STYLE.md, rule 17). If the register view cannot
be imported yet, it measures the rest and says so.

DEBUG is off unless the environment sets it, as in production: with DEBUG on,
Django keeps every query's SQL, which costs the page with more queries more.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import types
import warnings
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = 10_000
REQUESTS = 200
SEARCH_RUNS = 50
WARM_UP = 5
PER_PAGE = 25
GOAL = 1.5
OWNERS = 40

PREFIXES = ["ДЖ", "ПК", "РИ", "Ф", "Ж"]
SUBJECTS = [
    "Документтерди",
    "Сапаты боюнча жазууларды",
    "Ички аудиттерди",
    "Дал келбеген кызматты",
    "Оңдоочу аракеттерди",
    "Персоналды",
    "Сатып алууларды",
    "Кардарлардын канааттануусун",
]
ACTIONS = ["башкаруу", "пландаштыруу", "текшерүү", "баалоо", "өнүктүрүү", "талдоо"]
BODY = (
    "Бул жол-жобо {subject} {action} тартибин аныктайт. Жооптуу адамдар, "
    "мөөнөттөр жана жазуулар көрсөтүлөт; өзгөртүүлөр сапат менеджери аркылуу "
    "киргизилет. Документтин {number}-нускасы күчүндө."
)

TABLE = """<table><thead><tr>
<th>code</th><th>title</th><th>type</th><th>status</th><th>next review</th>
</tr></thead><tbody>{% for document in object_list %}<tr>
<td><a href="/documents/{{ document.pk }}/">{{ document.code }}</a></td>
<td>{{ document.title }}</td><td>{{ document.get_doc_type_display }}</td>
<td>{{ document.get_status_display }}</td><td>{{ document.next_review|date }}</td>
</tr>{% endfor %}</tbody></table>
{% if page_obj.has_previous %}<a href="?page={{ page_obj.previous_page_number }}">
&lt;</a>{% endif %} {{ page_obj.number }} / {{ page_obj.paginator.num_pages }}
{% if page_obj.has_next %}<a href="?page={{ page_obj.next_page_number }}">&gt;</a>
{% endif %}"""
#: The bare page: the table alone.
BARE_TEMPLATE = (
    '<!DOCTYPE html><html lang="ky"><head><meta charset="utf-8">'
    f"<title>Documents</title></head><body>{TABLE}</body></html>"
)
#: The same table in the portal's layout (navbar, menu, footer), to tell the
#: cost of the layout from the cost of the register's own work.
LAYOUT_TEMPLATE = (
    '{% extends "base.html" %}{% block title %}Documents{% endblock title %}'
    f"{{% block content %}}{TABLE}{{% endblock content %}}"
)


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    if len(seconds) < 2:
        value = seconds[0] * 1000 if seconds else float("nan")
        return value, value
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return statistics.median(seconds) * 1000, cuts[94] * 1000


def setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapat.settings.dev")
    sys.path.insert(0, str(ROOT))
    warnings.filterwarnings("ignore", message="No directory at")

    import django

    django.setup()


def fill(count: int) -> tuple[object, int]:
    """``count`` documents in force with their revision; the Staff user."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from documents.models import Document, DocumentRevision, RevisionStatus
    from documents.models.register import Access, DocumentStatus, DocumentType
    from sapat.accounts.models import OrgUnit, User

    units = OrgUnit.objects.bulk_create(
        OrgUnit(name_ky=f"Бөлүм {n}", order=n) for n in range(1, 9)
    )
    owners = User.objects.bulk_create(
        User(
            username=f"owner{n}",
            full_name=f"Ээси {n}",
            email=f"owner{n}@example.kg",
            unit=units[n % len(units)],
            password="!",  # noqa: S106 - an unusable password
        )
        for n in range(OWNERS)
    )
    reader = User.objects.create_user(
        username="bench-reader",
        email="reader@example.kg",
        full_name="Окурман",
        password=None,
    )
    reader.groups.add(Group.objects.get(name="Staff"))

    types_ = list(DocumentType.values)
    today = date.today()  # noqa: DTZ011 - review dates are calendar dates
    now = timezone.now()
    documents = []
    for n in range(1, count + 1):
        owner = owners[n % len(owners)]
        subject, action = SUBJECTS[n % len(SUBJECTS)], ACTIONS[n % len(ACTIONS)]
        document = Document(
            code=f"{PREFIXES[n % len(PREFIXES)]}-{n:05d}",
            title=f"{subject} {action} № {n}",
            doc_type=types_[n % len(types_)],
            owner=owner,
            owner_unit=owner.unit,
            access=Access.PUBLIC if n % 20 == 0 else Access.STAFF,
            status=DocumentStatus.IN_FORCE,
            next_review=today + timedelta(days=n % 365),
        )
        body = BODY.format(subject=subject.lower(), action=action, number=n % 7 + 1)
        document.search_text = document.build_search_text(body)
        document._bench_body = body
        documents.append(document)
    Document.objects.bulk_create(documents, batch_size=1000)
    DocumentRevision.objects.bulk_create(
        (
            DocumentRevision(
                document=document,
                number=1,
                body=document._bench_body,
                approval_status=RevisionStatus.IN_FORCE,
                approved_at=now,
                in_force_at=now,
                created_by=document.owner,
            )
            for document in documents
        ),
        batch_size=1000,
    )
    return reader, Document.objects.count()


def bench_urlconf():
    """A urlconf module: the bare ListView, then the portal's own URLs.

    Returns the module, whether the register is there, and why not if not.
    """
    from django.template import engines
    from django.urls import path
    from django.views.generic import ListView

    from documents.models import Document

    engine = engines["django"]

    class BareDocumentList(ListView):
        model = Document
        paginate_by = PER_PAGE
        ordering = "code"
        template = None

        def get_template_names(self):
            # A compiled template, not a name: TemplateResponse takes either.
            return self.template

    module = types.ModuleType("documents_bench_urls")
    module.urlpatterns = [
        path(
            "bench/bare/",
            BareDocumentList.as_view(template=engine.from_string(BARE_TEMPLATE)),
        )
    ]
    try:
        from sapat import urls as portal_urls

        module.urlpatterns += [
            path(
                "bench/bare-layout/",
                BareDocumentList.as_view(template=engine.from_string(LAYOUT_TEMPLATE)),
            ),
            *portal_urls.urlpatterns,
        ]
    except Exception as exc:  # the views are written by others meanwhile
        sys.modules[module.__name__] = module
        return module, f"{type(exc).__name__}: {exc}"
    sys.modules[module.__name__] = module
    return module, ""


def measure(client, urls: dict[str, str], pages: list[int]) -> dict:
    """Seconds of each GET, the views taking turns to go first; queries a page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: dict[str, list[float]] = {name: [] for name in urls}
    statuses: dict[str, dict[int, int]] = {name: {} for name in urls}
    queries: dict[str, int] = {}
    names = list(urls)
    for number in pages[:WARM_UP]:
        for name in names:
            with CaptureQueriesContext(connection) as captured:
                client.get(urls[name], {"page": number})
            queries[name] = len(captured)
    for turn, number in enumerate(pages):
        for name in names if turn % 2 else reversed(names):
            start = time.perf_counter()
            response = client.get(urls[name], {"page": number})
            times[name].append(time.perf_counter() - start)
            code = response.status_code
            statuses[name][code] = statuses[name].get(code, 0) + 1
    return {"times": times, "statuses": statuses, "queries": queries}


def time_search(runs: int) -> dict[str, tuple[float, float]]:
    from documents.models import Document
    from documents.search import search_documents

    steps = {
        "count()": lambda: search_documents(Document.objects.all(), "башкаруу").count(),
        "first page": lambda: list(
            search_documents(Document.objects.all(), "башкаруу")[:PER_PAGE]
        ),
        "all rows": lambda: list(search_documents(Document.objects.all(), "башкаруу")),
    }
    seconds: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(runs):
        for name, work in steps.items():
            start = time.perf_counter()
            work()
            seconds[name].append(time.perf_counter() - start)
    return {name: percentiles(values) for name, values in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument("--requests", type=int, default=REQUESTS, help="per view")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    folder = tempfile.TemporaryDirectory(prefix="sapat-bench-documents-")
    setup_django(Path(folder.name) / "bench.sqlite3")

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter() - started
    reader, count = fill(args.documents)
    filled = time.perf_counter() - started - migrated
    print(
        f"Documents benchmark: {count} documents in a throwaway SQLite database "
        f"(migrate {migrated:.1f} s, fill {filled:.1f} s), {args.requests} "
        f"requests per view, DEBUG={settings.DEBUG}"
    )

    module, missing = bench_urlconf()
    urls = {"bare ListView": "/bench/bare/"}
    with override_settings(
        ROOT_URLCONF=module.__name__, ALLOWED_HOSTS=["testserver", "localhost"]
    ):
        if not missing:
            urls["bare ListView in base.html"] = "/bench/bare-layout/"
            try:
                urls["register (documents:index)"] = reverse("documents:index")
            except Exception as exc:
                missing = f"{type(exc).__name__}: {exc}"
        client = Client()
        client.force_login(reader)
        pages_count = max(1, -(-count // PER_PAGE))
        rng = random.Random(args.seed)  # noqa: S311 - page numbers, no secret
        pages = [rng.randint(1, pages_count) for _ in range(args.requests)]
        results = measure(client, urls, pages)

    print(f"{'view':<30}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}  statuses")
    quantiles = {}
    for name, seconds in results["times"].items():
        quantiles[name] = percentiles(seconds)
        p50, p95 = quantiles[name]
        codes = ", ".join(
            f"{code}×{n}" for code, n in sorted(results["statuses"][name].items())
        )
        queries = results["queries"].get(name, "?")
        print(f"{name:<30}{p50:>10.1f}{p95:>10.1f}{queries:>9}  {codes}")
    register = quantiles.get("register (documents:index)")
    if register:
        ratio = register[1] / quantiles["bare ListView"][1]
        verdict = "within" if ratio <= GOAL else "over"
        print(f"goal: register p95 ≤ {GOAL}× bare p95: {ratio:.2f}× ({verdict})")
        layout = quantiles.get("bare ListView in base.html")
        if layout:
            print(f"register p95 / bare-in-layout p95: {register[1] / layout[1]:.2f}×")
        if set(results["statuses"]["register (documents:index)"]) != {200}:
            print("note: the register answered other than 200; see statuses")
    else:
        print(
            "the register view (documents:index) is not importable yet, so only "
            f"the bare ListView was measured ({missing})"
        )

    from documents.models import Document
    from documents.search import search_documents

    matches = search_documents(Document.objects.all(), "башкаруу").count()
    print(
        f'search_documents(Document.objects.all(), "башкаруу"): {matches} of '
        f"{count} match; {SEARCH_RUNS} runs"
    )
    print(f"{'evaluated as':<30}{'p50 ms':>10}{'p95 ms':>10}")
    for name, (p50, p95) in time_search(SEARCH_RUNS).items():
        print(f"{name:<30}{p50:>10.1f}{p95:>10.1f}")
    folder.cleanup()


if __name__ == "__main__":
    main()
