"""fixtures/seminars.json: demo requests, plans, programmes and a seminar."""

import pytest
from django.core.management import call_command

from sapat.management.commands.seed_demo import FIXTURES
from training.models import IndicativePlan, Programme, Seminar
from training.services.seminars import is_trainer_of

pytestmark = pytest.mark.django_db


def test_seminars_fixture_loads_last_and_is_valid(db):
    assert FIXTURES[-1] == "fixtures/seminars.json"
    call_command("loaddata", *FIXTURES, verbosity=0)
    seminar = Seminar.objects.get()
    assert seminar.programme.approval_status == "approved"
    assert IndicativePlan.objects.count() == 3
    for obj in [*Programme.objects.all(), seminar, *seminar.participants.all()]:
        obj.full_clean()
    trainer = seminar.programme.trainers.get().expert.user
    assert trainer.username == "trainer"
    assert is_trainer_of(trainer, seminar)
