import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from sapat.schedule import PREFIX, SCHEDULE, sync_schedules

pytestmark = pytest.mark.django_db


def test_migrate_stores_every_declared_schedule():
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {PREFIX + key for key in SCHEDULE} <= names


def test_sync_is_idempotent_and_removes_stale_entries_of_ours_only():
    PeriodicTask.objects.create(
        name=PREFIX + "gone",
        task="x",
        interval=None,
        crontab=PeriodicTask.objects.first().crontab,
    )
    PeriodicTask.objects.create(
        name="added by hand",
        task="y",
        crontab=PeriodicTask.objects.first().crontab,
    )
    result = sync_schedules()
    assert result["deleted"] == 1
    assert result["created"] == 0
    assert PeriodicTask.objects.filter(name="added by hand").exists()
    assert sync_schedules()["deleted"] == 0


def test_next_years_holidays_are_added_every_december():
    task = PeriodicTask.objects.get(name=PREFIX + "calendar-next-year")
    assert task.task == "sapat.accounts.tasks.calendar_seed_next_year"
    assert (task.crontab.month_of_year, task.crontab.day_of_month) == ("12", "1")
    assert str(task.crontab.timezone) == "Asia/Bishkek"


def test_every_scheduled_task_is_registered_with_celery():
    from sapat.celery import app

    app.loader.import_default_modules()
    for entry in SCHEDULE.values():
        assert entry.task in app.tasks, entry.task


def test_sync_schedules_command(capsys):
    call_command("sync_schedules")
    assert "schedules:" in capsys.readouterr().out
