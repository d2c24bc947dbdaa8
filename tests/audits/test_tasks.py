import datetime

import pytest

from audits import services, tasks
from audits.models import AuditStatus
from sapat.notify.models import Notification
from sapat.schedule import SCHEDULE

from .factories import AuditFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_schedule_entry():
    assert SCHEDULE["audits-reminders"].task == "audits.tasks.audit_reminders"


def test_audit_reminder_14_days_before_is_idempotent(qm):
    audit = AuditFactory(
        programme=ProgrammeFactory(year=2026),
        status=AuditStatus.NOTIFIED,
        start_date=datetime.date(2026, 6, 15),
        end_date=datetime.date(2026, 6, 16),
    )
    today = datetime.date(2026, 6, 2)
    services.reminders_send(today)
    services.reminders_send(today)
    soon = Notification.objects.filter(event="audits.audit_soon")
    assert list(soon.values_list("recipient", flat=True)) == [audit.lead_auditor_id]
    # Too early: nothing.
    Notification.objects.all().delete()


def test_december_reminders_programme_review_assessment(qm, director, organisation):
    today = datetime.date(2026, 12, 2)
    sent = services.reminders_send(today)
    assert sent > 0
    events = set(Notification.objects.values_list("event", flat=True))
    assert {
        "audits.programme_due",
        "audits.review_due",
        "audits.assessment_due",
    } <= events
    before = Notification.objects.count()
    services.reminders_send(today)
    assert Notification.objects.count() == before


def test_task_calls_service(qm):
    assert tasks.audit_reminders() >= 0


def test_last_working_week_start_uses_calendar(db):
    from tests.accounts.factories import CalendarDayFactory

    # 2026-12-31 is a Thursday: the week starts on Monday the 28th …
    assert services.last_working_week_start(2026) == datetime.date(2026, 12, 28)
    # … unless that day is a holiday.
    CalendarDayFactory(date=datetime.date(2026, 12, 28), kind="holiday")
    assert services.last_working_week_start(2026) == datetime.date(2026, 12, 29)
