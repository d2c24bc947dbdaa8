import datetime

import pytest

from projects.tasks import overdue_reminders
from sapat.schedule import SCHEDULE
from tests.projects.factories import PlanItemFactory

pytestmark = pytest.mark.django_db


def test_overdue_task_is_scheduled_daily():
    entry = SCHEDULE["projects-overdue"]
    assert entry.task == "projects.tasks.overdue_reminders"
    assert "day_of_month" not in entry.crontab


def test_overdue_reminders_task_is_idempotent(project, referent):
    PlanItemFactory(project=project, owner=referent, due_date=datetime.date(2020, 1, 1))
    assert overdue_reminders() == 1
    assert overdue_reminders() == 0
