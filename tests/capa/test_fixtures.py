"""fixtures/capa.json: demo nonconformities and actions at several stages."""

import pytest
from django.core.management import call_command

from capa.models import (
    Action,
    ActionKind,
    ActionStatus,
    Nonconformity,
    NonconformityStatus,
)
from sapat.management.commands.seed_demo import FIXTURES


@pytest.fixture
def loaded(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def test_capa_fixture_is_loaded_by_the_demo():
    assert "fixtures/capa.json" in FIXTURES


def test_capa_fixture_shows_every_stage(loaded):
    statuses = set(Nonconformity.objects.values_list("status", flat=True))
    assert {
        NonconformityStatus.OPEN,
        NonconformityStatus.PLANNED,
        NonconformityStatus.CLOSED,
    } <= statuses
    corrective = Action.objects.get(kind=ActionKind.CORRECTIVE)
    assert corrective.status == ActionStatus.IN_PROGRESS
    assert corrective.nonconformities.get().status == NonconformityStatus.PLANNED
    assert corrective.tasks.filter(done_at__isnull=True).exists()
    assert Action.objects.filter(kind=ActionKind.PREVENTIVE).exists()


def test_capa_fixture_rows_are_valid(loaded):
    for row in [*Nonconformity.objects.all(), *Action.objects.all()]:
        row.full_clean()
    assert all(a.checker_id != a.owner_id for a in Action.objects.all())
