from datetime import date

import pytest

from sapat.accounts.models import CalendarDay
from sapat.accounts.tasks import calendar_seed_year_task
from sapat.notify.models import Notification

pytestmark = pytest.mark.django_db


def test_task_writes_history_as_the_user_who_queued_it(make_user):
    office = make_user("office_manager")
    result = calendar_seed_year_task.delay(2033, office.pk)
    assert result.get() == 12
    day = CalendarDay.objects.get(date=date(2033, 3, 21))
    assert day.history.latest().history_user == office
    assert Notification.objects.filter(
        recipient=office, event="accounts.calendar_seeded"
    ).exists()


def test_task_run_by_beat_writes_history_as_the_system():
    calendar_seed_year_task.delay(2034).get()
    day = CalendarDay.objects.get(date=date(2034, 5, 9))
    assert day.history.latest().history_user is None


def test_task_for_a_deleted_user_does_nothing(make_user):
    office = make_user("office_manager")
    pk = office.pk
    office.delete()
    assert calendar_seed_year_task.delay(2035, pk).get() == 0
    assert not CalendarDay.objects.filter(date__year=2035).exists()
