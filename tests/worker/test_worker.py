"""End-to-end through Redis and a real worker."""

import time
from datetime import date

import pytest
from django.core import mail

from sapat.accounts.models import CalendarDay
from sapat.accounts.tasks import calendar_seed_year_task
from sapat.notify.models import Email
from sapat.notify.services import notify
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_history_from_a_worker_names_the_user_who_queued_the_task(celery_worker):
    office = UserFactory(roles=["office_manager"])
    result = calendar_seed_year_task.delay(2041, office.pk)
    assert result.get(timeout=30) == 12
    day = CalendarDay.objects.get(date=date(2041, 8, 31))
    assert day.history.latest().history_user == office


def test_notification_email_is_sent_by_the_worker_after_commit(celery_worker):
    user = UserFactory(roles=["staff"], language="ru")
    notify(recipients=[user], event="accounts.welcome", context={"name": "Азамат"})
    email = Email.objects.get(to=user.email)
    assert _wait_for(
        lambda: Email.objects.get(pk=email.pk).status == Email.Status.SENT
    ), Email.objects.get(pk=email.pk).last_error
    assert [m.to for m in mail.outbox] == [[user.email]]
