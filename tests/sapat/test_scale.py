"""sapat.scale and ``manage.py seed_scale``: the agency year × N that ``make
bench`` and ``make demo-large`` load, kept honest at a twentieth of a year."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction

from capa.models import Action, Nonconformity
from documents.models import Document, DocumentRevision
from projects.models import Project, ProjectUserObjectPermission, TeamMember
from records.models import Record
from sapat.accounts.models import User
from sapat.management.commands.seed_demo import FIXTURES
from sapat.scale import PER_YEAR, NoDemoData, seed_scale
from satisfaction.models import Feedback
from training.models import Participant, Seminar

pytestmark = pytest.mark.django_db
SCALE = 0.05


@pytest.fixture
def demo(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture
def seeded(demo):
    return seed_scale(scale=SCALE, seed=3)


def test_seed_scale_without_demo_data_is_refused(db):
    with pytest.raises(NoDemoData, match="seed_demo"):
        seed_scale(scale=SCALE)
    assert not Document.objects.exists()


def test_seed_scale_command_without_demo_data_says_what_to_run(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_scale", "--scale", "1", stdout=StringIO())


def test_seed_scale_makes_an_agency_year_times_the_scale(demo):
    before = {
        model: model.objects.count()
        for model in (Document, Record, Nonconformity, Project, Seminar, Feedback)
    }
    seeded = seed_scale(scale=SCALE)
    expected = {
        Document: PER_YEAR["documents"],
        Record: PER_YEAR["records"],
        Nonconformity: PER_YEAR["nonconformities"],
        Project: PER_YEAR["projects"],
        Seminar: PER_YEAR["seminars"],
        Feedback: PER_YEAR["feedback"],
    }
    for model, per_year in expected.items():
        assert model.objects.count() - before[model] == round(per_year * SCALE)
    assert seeded.counts["records"] == round(PER_YEAR["records"] * SCALE)
    assert Participant.objects.filter(seminar__title__contains="(1-").count() == (
        15 * round(PER_YEAR["seminars"] * SCALE)
    )


def test_seed_scale_twice_adds_a_second_run(seeded):
    second = seed_scale(scale=SCALE, seed=3)
    assert second.run == seeded.run + 1
    assert Document.objects.filter(code__startswith="С02-").count() == round(
        PER_YEAR["documents"] * SCALE
    )


def test_seed_scale_is_deterministic_for_a_seed(demo):
    def titles():
        return (
            list(Document.objects.order_by("code").values_list("code", "title")),
            list(Record.objects.order_by("title").values_list("title", "date")),
        )

    made = []
    for _ in range(2):
        with transaction.atomic():
            seed_scale(scale=SCALE, seed=7)
            made.append(titles())
            transaction.set_rollback(True)
    assert made[0] == made[1]


def test_seeded_rows_keep_every_invariant(seeded):
    """``full_clean()`` on the first seeded rows of every model that got any."""
    checked = 0
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        for row in model.objects.order_by("-pk")[:5]:
            row.full_clean()
            checked += 1
    assert checked > 100
    for action in Action.objects.all():
        assert action.checker_id != action.owner_id


def test_seeded_rows_have_history(seeded):
    document = Document.objects.filter(code__startswith="С01-").first()
    assert document.history.get().history_user == document.owner
    record = Record.objects.order_by("-pk").first()
    assert record.history.get().history_user == record.created_by
    assert DocumentRevision.history.filter(document_id=document.pk).exists()


def test_team_members_get_the_object_permissions_of_the_services(seeded):
    staff = User.objects.get(username="staff")
    projects = Project.objects.filter(team__user=staff)
    assert projects.exists()
    for project in projects:
        codenames = set(
            ProjectUserObjectPermission.objects.filter(
                content_object=project, user=staff
            ).values_list("permission__codename", flat=True)
        )
        assert codenames == {"view_project", "viewproperty_project"}
    assert TeamMember.objects.filter(project__code__startswith="П-С01-").count() == (
        3 * round(PER_YEAR["projects"] * SCALE)
    )


@pytest.mark.parametrize("username", ["director", "staff"])
def test_seeded_detail_pages_render(client, seeded, username):
    client.force_login(User.objects.get(username=username))
    staff = User.objects.get(username="staff")
    rows = [
        Document.objects.filter(code__startswith="С01-").first(),
        Record.objects.filter(item__restricted=False).order_by("-pk").first(),
        Nonconformity.objects.order_by("-pk").first(),
        Action.objects.order_by("-pk").first(),
        Project.objects.filter(team__user=staff).first(),
    ]
    if username == "director":
        # Seminars and feedback are for their roles, not all staff.
        rows += [
            Seminar.objects.order_by("-pk").first(),
            Feedback.objects.order_by("-pk").first(),
        ]
    for row in rows:
        response = client.get(row.get_absolute_url())
        assert response.status_code == 200, row.get_absolute_url()


def test_seed_scale_command_prints_what_it_made(demo):
    out = StringIO()
    call_command("seed_scale", "--scale", str(SCALE), stdout=out)
    assert "documents" in out.getvalue()
    assert str(round(PER_YEAR["records"] * SCALE)) in out.getvalue()


def test_seed_scale_command_refuses_a_scale_of_nothing(demo):
    with pytest.raises(CommandError, match="more than 0"):
        call_command("seed_scale", "--scale", "0", stdout=StringIO())
    assert not Document.objects.filter(code__startswith="С01-").exists()


def test_seed_scale_once_adds_nothing_to_a_seeded_database(demo):
    call_command("seed_scale", "--scale", str(SCALE), "--once", stdout=StringIO())
    documents = Document.objects.count()
    out = StringIO()
    call_command("seed_scale", "--scale", str(SCALE), "--once", stdout=out)
    assert "nothing added" in out.getvalue()
    assert Document.objects.count() == documents
