"""fixtures/projects.json: demo clients, projects, plans and meetings."""

import pytest
from django.core.management import call_command

from projects.models import Client, ClientDocument, Project
from projects.selectors import can_view_property, visible_projects
from sapat.accounts.models import User
from sapat.management.commands.seed_demo import FIXTURES


@pytest.fixture
def loaded(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def test_seed_demo_loads_projects_after_the_fixtures_it_needs():
    position = FIXTURES.index("fixtures/projects.json")
    for needed in ("demo", "personnel", "suppliers", "satisfaction"):
        assert FIXTURES.index(f"fixtures/{needed}.json") < position


def test_projects_fixture_loads(loaded):
    project = Project.objects.get(code="П-2026-014")
    assert project.status == "execution"
    assert project.stages.filter(status="done").count() == 4
    assert Client.objects.filter(kind="programme").exists()
    assert ClientDocument.objects.filter(project=project).count() == 3
    expert = User.objects.get(username="expert")
    staff = User.objects.get(username="staff")
    assert project in visible_projects(expert)
    assert can_view_property(expert, project)
    assert project not in visible_projects(staff)
    assert not can_view_property(staff, project)
