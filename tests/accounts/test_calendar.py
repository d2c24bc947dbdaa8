from datetime import date

import pytest

from sapat.accounts.calendar import add_working_days, working_days_between
from sapat.accounts.models import CalendarDay, OrganisationProfile
from tests.accounts.factories import CalendarDayFactory

pytestmark = pytest.mark.django_db


def test_ten_working_days_from_a_friday_before_independence_day():
    # Friday 28 August 2026; Monday 31 August is Independence Day (seeded).
    friday = date(2026, 8, 28)
    assert friday.weekday() == 4
    assert CalendarDay.objects.filter(date=date(2026, 8, 31)).exists()
    assert add_working_days(friday, 10) == date(2026, 9, 14)


def test_without_the_holiday_the_same_count_lands_a_day_earlier():
    CalendarDay.objects.filter(date=date(2026, 8, 31)).delete()
    assert add_working_days(date(2026, 8, 28), 10) == date(2026, 9, 11)


def test_a_weekend_day_declared_working_counts():
    CalendarDayFactory(
        date=date(2026, 9, 5), kind=CalendarDay.Kind.WORKING, name="Moved"
    )
    # Fri 4 Sep + 1 working day is Saturday 5 Sep, declared working.
    assert add_working_days(date(2026, 9, 4), 1) == date(2026, 9, 5)


def test_zero_days_from_a_holiday_is_the_next_working_day():
    assert add_working_days(date(2026, 8, 29), 0) == date(2026, 9, 1)
    assert add_working_days(date(2026, 9, 1), 0) == date(2026, 9, 1)


def test_negative_days_count_backwards():
    assert add_working_days(date(2026, 9, 1), -1) == date(2026, 8, 28)


def test_long_spans_across_the_new_year():
    # 60 working days from 1 December 2026 pass the New Year holidays.
    result = add_working_days(date(2026, 12, 1), 60)
    assert working_days_between(date(2026, 12, 1), result) == 60


def test_the_weekend_follows_the_organisation_profile():
    OrganisationProfile.objects.update_or_create(
        pk=1, defaults={"name_ky": "X", "short_name": "X", "weekend_days": "6"}
    )
    # Friday 4 Sep 2026 + 1: Saturday now works.
    assert add_working_days(date(2026, 9, 4), 1) == date(2026, 9, 5)


def test_working_days_between_counts_neither_weekends_nor_holidays():
    assert working_days_between(date(2026, 8, 28), date(2026, 9, 4)) == 4
    assert working_days_between(date(2026, 9, 4), date(2026, 9, 4)) == 0
