"""The periodic tasks of purchasing call idempotent services."""

from datetime import date

import pytest
from django.utils import timezone

from sapat.schedule import SCHEDULE
from suppliers import tasks

pytestmark = pytest.mark.django_db


def test_tasks_are_scheduled():
    names = {entry.task for entry in SCHEDULE.values()}
    assert "suppliers.tasks.supplier_list_reminders" in names
    assert "suppliers.tasks.trainer_review_reminders" in names


def test_trainer_review_task_runs_twice_and_notifies_once(director, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 4, 1))
    assert tasks.trainer_review_reminders() == 1
    assert tasks.trainer_review_reminders() == 0


def test_list_task_runs_twice_and_notifies_once(director, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 12, 1))
    assert tasks.supplier_list_reminders() == 1
    assert tasks.supplier_list_reminders() == 0
