"""How the projects list and a project page scale, against a bare ListView.

    DJANGO_SETTINGS_MODULE=sapat.settings.dev python bench/projects_bench.py \
        [--projects 1000] [--requests 100]

Builds a throwaway SQLite database, fills it in bulk with projects (each
with its client, seven stages, a team member, three tasks and a client
document), makes a member of the "Expert" role (no superuser) the team
member of every project through guardian object permissions, then measures
GET ``?page=N`` of the projects list and the client property list against a
bare ``ListView`` of the same model (25 a page), and one project page with
its stages and property tabs. Prints p50, p95, queries a page and the ratio
of the p95s against the goal of 1.5x. It reports and never fails.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import types
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from documents_bench import measure, percentiles, setup_django  # noqa: E402

PROJECTS = 1000
REQUESTS = 100
PER_PAGE = 25
GOAL = 1.5
PEOPLE = 20

TABLE = (
    "<table>{% for row in object_list %}<tr><td>{{ row.pk }}</td>"
    "<td>{{ row }}</td></tr>{% endfor %}</table>"
)
BARE_TEMPLATE = f"<!DOCTYPE html><html><body>{TABLE}</body></html>"


def fill(count: int):
    from django.contrib.auth.models import Group, Permission

    from projects.models import (
        STAGE_ORDER,
        Client,
        ClientDocument,
        PlanItem,
        Project,
        ProjectStage,
        ProjectUserObjectPermission,
        TeamMember,
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
    member = User.objects.create_user(
        username="bench-expert", email="expert@example.kg", full_name="Эксперт"
    )
    member.groups.add(Group.objects.get(name="Expert"))
    clients = Client.objects.bulk_create(
        Client(name=f"Университет № {n}", region="Бишкек") for n in range(count)
    )
    start = date(2026, 1, 5)
    statuses = list(STAGE_ORDER)
    projects = Project.objects.bulk_create(
        (
            Project(
                client=clients[n],
                code=f"П-{n:05d}",
                title=f"Аккредитация № {n}",
                service_type="institutional",
                project_manager=people[n % PEOPLE],
                referent=people[(n + 1) % PEOPLE],
                status=statuses[n % 5],
                start_date=start + timedelta(days=n % 200),
            )
            for n in range(count)
        ),
        batch_size=500,
    )
    ProjectStage.objects.bulk_create(
        (
            ProjectStage(
                project=p,
                kind=kind,
                order=i,
                owner=p.project_manager,
                planned_start=p.start_date + timedelta(days=20 * (i - 1)),
                planned_end=p.start_date + timedelta(days=20 * i),
                status="done" if i == 1 else ("active" if i == 2 else "planned"),
                started_on=p.start_date if i <= 2 else None,
                finished_on=p.start_date + timedelta(days=20) if i == 1 else None,
            )
            for p in projects
            for i, kind in enumerate(STAGE_ORDER, start=1)
        ),
        batch_size=1000,
    )
    TeamMember.objects.bulk_create(
        (
            TeamMember(project=p, user=member, role="expert", added_by=people[0])
            for p in projects
        ),
        batch_size=1000,
    )
    perms = Permission.objects.filter(
        content_type__app_label="projects",
        codename__in=["view_project", "viewproperty_project"],
    )
    ProjectUserObjectPermission.objects.bulk_create(
        (
            ProjectUserObjectPermission(content_object=p, user=member, permission=perm)
            for p in projects
            for perm in perms
        ),
        batch_size=1000,
    )
    PlanItem.objects.bulk_create(
        (
            PlanItem(
                project=p,
                title=f"Тапшырма {k}",
                owner=p.referent,
                due_date=p.start_date + timedelta(days=30 * k),
            )
            for p in projects
            for k in (1, 2, 3)
        ),
        batch_size=1000,
    )
    ClientDocument.objects.bulk_create(
        (
            ClientDocument(
                project=p,
                title=f"Өзүн-өзү баалоо отчету {p.code}",
                medium="paper",
                received_on=p.start_date,
                received_from="Ректорат",
                location="Шкаф",
                custodian=p.referent,
                recorded_by=p.referent,
            )
            for p in projects
        ),
        batch_size=1000,
    )
    return member, projects[count // 2]


class TabClient:
    """A test client whose GET keeps the URL's own query (the tab) when
    ``measure`` adds ``page``: the test client would drop it."""

    def __init__(self, client):
        self.client = client

    def get(self, url, data=None):
        from urllib.parse import parse_qsl

        path, _sep, query = url.partition("?")
        merged = dict(parse_qsl(query))
        merged.update(data or {})
        return self.client.get(path, merged)


def bench_urlconf():
    from django.template import engines
    from django.urls import path
    from django.views.generic import ListView

    from projects.models import ClientDocument, Project
    from sapat import urls as portal_urls

    engine = engines["django"]

    def bare(model, ordering):
        template = engine.from_string(BARE_TEMPLATE)

        class Bare(ListView):
            paginate_by = PER_PAGE

            def get_template_names(self):
                return template

        Bare.model = model
        Bare.ordering = ordering
        return Bare.as_view()

    module = types.ModuleType("projects_bench_urls")
    module.urlpatterns = [
        path("bench/bare-project/", bare(Project, ("-start_date", "-id"))),
        path("bench/bare-document/", bare(ClientDocument, ("-received_on", "-id"))),
        *portal_urls.urlpatterns,
    ]
    sys.modules[module.__name__] = module
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=PROJECTS)
    parser.add_argument("--requests", type=int, default=REQUESTS, help="per view")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    folder = tempfile.TemporaryDirectory(prefix="sapat-bench-projects-")
    setup_django(Path(folder.name) / "bench.sqlite3")

    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    member, sample = fill(args.projects)
    print(
        f"Projects benchmark: {args.projects} projects (7 stages, 3 tasks, a client "
        f"document each), a team member of all of them, {args.requests} requests "
        f"per view (set-up {time.perf_counter() - started:.1f} s)"
    )
    module = bench_urlconf()
    pairs = {
        "projects": ("/bench/bare-project/", "/projects/all/"),
        "client property": ("/bench/bare-document/", "/projects/property/"),
    }
    with override_settings(
        ROOT_URLCONF=module.__name__, ALLOWED_HOSTS=["testserver", "localhost"]
    ):
        client = Client()
        client.force_login(member)
        pages_count = max(1, -(-args.projects // PER_PAGE))
        rng = random.Random(args.seed)  # noqa: S311 - page numbers, no secret
        pages = [rng.randint(1, pages_count) for _ in range(args.requests)]
        urls = {}
        for name, (bare, real) in pairs.items():
            urls[f"bare ListView ({name})"] = bare
            urls[f"{name} list"] = real
        detail = f"/projects/{sample.pk}/"
        urls["project detail (overview)"] = detail + "?tab=overview"
        urls["project detail (stages)"] = detail + "?tab=stages"
        urls["project detail (property)"] = detail + "?tab=property"
        urls["portfolio"] = "/projects/"
        results = measure(TabClient(client), urls, pages)

    print(f"{'view':<34}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}  statuses")
    quantiles = {}
    for name, seconds in results["times"].items():
        quantiles[name] = percentiles(seconds)
        p50, p95 = quantiles[name]
        codes = ", ".join(
            f"{code}×{n}" for code, n in sorted(results["statuses"][name].items())
        )
        print(
            f"{name:<34}{p50:>10.1f}{p95:>10.1f}"
            f"{results['queries'].get(name, '?'):>9}  {codes}"
        )
    for name in pairs:
        ratio = quantiles[f"{name} list"][1] / quantiles[f"bare ListView ({name})"][1]
        verdict = "within" if ratio <= GOAL else "over"
        print(f"goal: {name} list p95 ≤ {GOAL}× bare p95: {ratio:.2f}× ({verdict})")


if __name__ == "__main__":
    main()
