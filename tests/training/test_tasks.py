"""The daily personnel reminders: due once, never twice."""

import datetime

import pytest
from django.utils import timezone

from sapat.notify.models import Notification
from sapat.schedule import SCHEDULE
from tests.training.factories import EmployeeFactory, TrainingFactory
from training import services
from training.models import Attestation
from training.tasks import personnel_reminders

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 8, 10)


def test_attestation_due_thirty_days_before_a_year_is_up(director):
    employee = EmployeeFactory(hired_on=datetime.date(2025, 9, 5))
    late = EmployeeFactory(hired_on=datetime.date(2025, 10, 5))
    assert services.attestation_due_remind(today=TODAY) == 2  # director + person
    assert services.attestation_due_remind(today=TODAY) == 0
    notes = Notification.objects.filter(event="training.attestation_due")
    assert {n.recipient for n in notes} == {director, employee.user}
    assert not notes.filter(recipient=late.user).exists()


def test_the_last_attestation_moves_the_next_one(director, make_user):
    employee = EmployeeFactory(hired_on=datetime.date(2024, 1, 1))
    attestation = services.attestation_create(
        actor=make_user("director"),
        employee=employee,
        date=datetime.date(2026, 6, 1),
        commission=[director],
        result=Attestation.Result.MEETS,
    )
    assert attestation.pk
    assert services.attestation_due_remind(today=TODAY) == 0
    assert services.attestation_due_remind(today=datetime.date(2027, 5, 5)) > 0


def test_certificates_expiring_within_sixty_days(director):
    soon = TrainingFactory(expires_on=TODAY + datetime.timedelta(days=60))
    TrainingFactory(expires_on=TODAY + datetime.timedelta(days=61))
    TrainingFactory(expires_on=TODAY - datetime.timedelta(days=1))
    assert services.certificates_expiring_remind(today=TODAY) == 2
    assert services.certificates_expiring_remind(today=TODAY) == 0
    note = Notification.objects.get(
        event="training.certificate_expiring", recipient=soon.employee.user
    )
    assert note.context["title"] == soon.title


def test_induction_not_finished_after_thirty_days(director, make_in_force, make_user):
    deputy = make_user("deputy_director")
    employee = EmployeeFactory()
    induction = services.induction_start(
        actor=deputy,
        employee=employee,
        documents=[make_in_force("СК").document],
        started_on=TODAY - datetime.timedelta(days=30),
    )
    fresh = services.induction_start(
        actor=deputy,
        employee=EmployeeFactory(),
        documents=[make_in_force("ДЖ-01").document],
        started_on=TODAY - datetime.timedelta(days=29),
    )
    assert services.induction_late_remind(today=TODAY) == 3
    assert services.induction_late_remind(today=TODAY) == 0
    recipients = set(
        Notification.objects.filter(event="training.induction_late").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {director.pk, deputy.pk, employee.user_id}
    assert fresh.pk != induction.pk


def test_the_daily_task_is_scheduled_and_idempotent(director):
    assert SCHEDULE["training-personnel"].task == "training.tasks.personnel_reminders"
    TrainingFactory(expires_on=timezone.localdate() + datetime.timedelta(days=5))
    first = personnel_reminders()
    assert first > 0
    assert personnel_reminders() == 0
