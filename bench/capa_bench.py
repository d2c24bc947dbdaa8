"""How the CAPA lists page at scale, against a bare Django ListView.

    DJANGO_SETTINGS_MODULE=sapat.settings.dev python bench/capa_bench.py \
        [--nonconformities 6000] [--requests 100]

Builds a throwaway SQLite database, fills it in bulk with nonconformities
(each with its own reporter and responsible among 40 people) and one action
per nonconformity with two tasks, then measures as a member of the "Staff"
role (no superuser) GET ``?page=N`` of the nonconformities and actions lists
against bare ``ListView``s of the same models (25 a page, same order), and
the overview page. Prints p50, p95, queries a page and the ratio of the
p95s against the goal of 1.5x. It reports and never fails (STYLE.md, 17).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import types
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from documents_bench import measure, percentiles, setup_django  # noqa: E402

NONCONFORMITIES = 6000
REQUESTS = 100
PER_PAGE = 25
GOAL = 1.5
PEOPLE = 40

TABLE = (
    "<table>{% for row in object_list %}<tr><td>{{ row.pk }}</td>"
    "<td>{{ row }}</td></tr>{% endfor %}</table>"
)
BARE_TEMPLATE = f"<!DOCTYPE html><html><body>{TABLE}</body></html>"
#: The same table in the portal's layout, to tell the layout's cost apart.
LAYOUT_TEMPLATE = (
    f'{{% extends "base.html" %}}{{% block content %}}{TABLE}{{% endblock content %}}'
)


def fill(count: int):
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from capa.models import (
        Action,
        ActionKind,
        ActionStatus,
        ActionTask,
        Nonconformity,
        NonconformityStatus,
        Source,
    )
    from sapat.accounts.models import User

    people = User.objects.bulk_create(
        User(
            username=f"person{n}",
            full_name=f"Кызматкер {n}",
            email=f"person{n}@example.kg",
            password="!",  # noqa: S106 - an unusable password
        )
        for n in range(PEOPLE)
    )
    reader = User.objects.create_user(
        username="bench-reader", email="reader@example.kg", full_name="Окурман"
    )
    reader.groups.add(Group.objects.get(name="Staff"))
    today = timezone.localdate()
    year = today.year
    sources = list(Source.values)
    statuses = [NonconformityStatus.OPEN, NonconformityStatus.PLANNED]
    ncs = Nonconformity.objects.bulk_create(
        (
            Nonconformity(
                year=year,
                seq=n,
                source=sources[n % len(sources)],
                description=f"Мөөнөт бузулду № {n}: отчет кечигип жөнөтүлдү",
                detected_by=people[n % PEOPLE],
                responsible=people[(n + 1) % PEOPLE],
                detected_on=today - timedelta(days=n % 300),
                containment="Дароо жөнөтүлдү" if n % 2 else "",
                status=statuses[n % 2],
                created_by=people[n % PEOPLE],
            )
            for n in range(1, count + 1)
        ),
        batch_size=1000,
    )
    actions = Action.objects.bulk_create(
        (
            Action(
                year=year,
                seq=n,
                kind=ActionKind.CORRECTIVE,
                title=f"Мөөнөттөрдү көзөмөлдөө № {n}",
                root_cause="Форма толук эмес",
                cause_category="method",
                owner=people[(n + 2) % PEOPLE],
                checker=people[(n + 3) % PEOPLE],
                opened_on=today - timedelta(days=30),
                due_date=today + timedelta(days=n % 60 - 20),
                check_due=today + timedelta(days=90),
                status=ActionStatus.IN_PROGRESS,
                created_by=people[n % PEOPLE],
            )
            for n in range(1, count + 1)
        ),
        batch_size=1000,
    )
    links = Action.nonconformities.through
    links.objects.bulk_create(
        (links(action=a, nonconformity=nc) for a, nc in zip(actions, ncs, strict=True)),
        batch_size=1000,
    )
    ActionTask.objects.bulk_create(
        (
            ActionTask(
                action=a,
                title=f"Тапшырма {k}",
                owner=a.owner,
                due_date=a.due_date,
            )
            for a in actions
            for k in (1, 2)
        ),
        batch_size=1000,
    )
    return reader


def bench_urlconf():
    from django.template import engines
    from django.urls import path
    from django.views.generic import ListView

    from capa.models import Action, Nonconformity
    from sapat import urls as portal_urls

    engine = engines["django"]

    def bare(model, source=BARE_TEMPLATE):
        template = engine.from_string(source)

        class Bare(ListView):
            paginate_by = PER_PAGE
            ordering = ("-year", "-seq")

            def get_template_names(self):
                return template

        Bare.model = model
        return Bare.as_view()

    module = types.ModuleType("capa_bench_urls")
    module.urlpatterns = [
        path("bench/bare-nc/", bare(Nonconformity)),
        path("bench/bare-action/", bare(Action)),
        path("bench/layout-nc/", bare(Nonconformity, LAYOUT_TEMPLATE)),
        *portal_urls.urlpatterns,
    ]
    sys.modules[module.__name__] = module
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nonconformities", type=int, default=NONCONFORMITIES)
    parser.add_argument("--requests", type=int, default=REQUESTS, help="per view")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    folder = tempfile.TemporaryDirectory(prefix="sapat-bench-capa-")
    setup_django(Path(folder.name) / "bench.sqlite3")

    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    reader = fill(args.nonconformities)
    print(
        f"CAPA benchmark: {args.nonconformities} nonconformities and as many "
        f"actions (2 tasks each), {args.requests} requests per view "
        f"(set-up {time.perf_counter() - started:.1f} s)"
    )
    module = bench_urlconf()
    pairs = {
        "nonconformities": ("/bench/bare-nc/", "/capa/nonconformities/"),
        "actions": ("/bench/bare-action/", "/capa/actions/"),
    }
    with override_settings(
        ROOT_URLCONF=module.__name__, ALLOWED_HOSTS=["testserver", "localhost"]
    ):
        client = Client()
        client.force_login(reader)
        pages_count = max(1, -(-args.nonconformities // PER_PAGE))
        rng = random.Random(args.seed)  # noqa: S311 - page numbers, no secret
        pages = [rng.randint(1, pages_count) for _ in range(args.requests)]
        urls = {}
        for name, (bare, real) in pairs.items():
            urls[f"bare ListView ({name})"] = bare
            urls[f"capa {name} list"] = real
        urls["bare ListView in base.html"] = "/bench/layout-nc/"
        urls["capa overview"] = "/capa/"
        results = measure(client, urls, pages)

    print(f"{'view':<32}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}  statuses")
    quantiles = {}
    for name, seconds in results["times"].items():
        quantiles[name] = percentiles(seconds)
        p50, p95 = quantiles[name]
        codes = ", ".join(
            f"{code}×{n}" for code, n in sorted(results["statuses"][name].items())
        )
        print(
            f"{name:<32}{p50:>10.1f}{p95:>10.1f}"
            f"{results['queries'].get(name, '?'):>9}  {codes}"
        )
    for name in pairs:
        ratio = (
            quantiles[f"capa {name} list"][1] / quantiles[f"bare ListView ({name})"][1]
        )
        verdict = "within" if ratio <= GOAL else "over"
        print(f"goal: {name} list p95 ≤ {GOAL}× bare p95: {ratio:.2f}× ({verdict})")
        layout = quantiles["bare ListView in base.html"][1]
        ratio = quantiles[f"capa {name} list"][1] / layout
        print(f"      {name} list p95 / bare ListView in base.html: {ratio:.2f}×")


if __name__ == "__main__":
    main()
