from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sapat.accounts import services
from sapat.accounts.models import CalendarDay, OrganisationProfile, User
from sapat.notify.models import Email, Notification

pytestmark = pytest.mark.django_db


def test_user_create_puts_the_user_in_role_groups_and_records_the_actor(
    sysadmin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(
            actor=sysadmin,
            username="aibek",
            full_name="Айбек Садыров",
            email="aibek@example.kg",
            roles=["director"],
        )
    assert set(user.groups.values_list("name", flat=True)) == {
        "Director",
        "Top management",
    }
    assert user.is_staff
    assert not user.has_usable_password()
    row = user.history.latest()
    assert row.history_user == sysadmin
    assert row.history_change_reason
    assert Notification.objects.filter(recipient=user, event="accounts.welcome")
    assert Email.objects.get(to="aibek@example.kg").status == Email.Status.SENT


def test_user_create_with_an_unknown_role_saves_nothing(sysadmin):
    with pytest.raises(ValidationError):
        services.user_create(
            actor=sysadmin,
            username="x",
            full_name="X",
            email="x@example.kg",
            roles=["pope"],
        )
    assert not User.objects.filter(username="x").exists()


def test_user_create_with_a_bad_email_saves_nothing(sysadmin):
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=sysadmin,
            username="y",
            full_name="Y",
            email="not-an-address",
            roles=["staff"],
        )
    assert "email" in error.value.message_dict
    assert not User.objects.filter(username="y").exists()


def test_user_set_roles_requires_the_change_permission(director, staff):
    with pytest.raises(PermissionDenied):
        services.user_set_roles(actor=director, user=staff, roles=["director"])
    assert not staff.groups.filter(name="Director").exists()


def test_user_set_roles_replaces_roles_and_keeps_other_groups(sysadmin, staff):
    from django.contrib.auth.models import Group

    extra = Group.objects.create(name="Auditors 2026")
    staff.groups.add(extra)
    services.user_set_roles(actor=sysadmin, user=staff, roles=["quality_manager"])
    names = set(staff.groups.values_list("name", flat=True))
    assert names == {"Quality manager", "Auditors 2026"}
    staff.refresh_from_db()
    assert staff.is_staff
    assert staff.history.latest().history_user == sysadmin


def test_organisation_profile_update_by_the_director(director):
    profile = services.organisation_profile_update(
        actor=director, name_ky="Агенттик", short_name="СБ", website="https://x.kg"
    )
    assert OrganisationProfile.load().short_name == "СБ"
    assert profile.history.latest().history_user == director


def test_organisation_profile_update_refused_to_staff(staff):
    with pytest.raises(PermissionDenied):
        services.organisation_profile_update(actor=staff, name_ky="X", short_name="X")


def test_organisation_profile_rejects_a_week_without_working_days(director):
    with pytest.raises(ValidationError) as error:
        services.organisation_profile_update(
            actor=director, name_ky="X", short_name="X", weekend_days="0123456"
        )
    assert "weekend_days" in error.value.message_dict


def test_calendar_seed_year_adds_fixed_holidays_once(make_user):
    office = make_user("office_manager")
    created = services.calendar_seed_year(actor=office, year=2031)
    assert len(created) == 12
    assert services.calendar_seed_year(actor=office, year=2031) == []
    day = CalendarDay.objects.get(date=date(2031, 8, 31))
    assert day.history.latest().history_user == office


def test_calendar_seed_year_keeps_days_edited_by_hand(make_user):
    office = make_user("office_manager")
    services.calendar_day_set(
        actor=office, day=date(2032, 1, 7), kind="working", name="Moved"
    )
    services.calendar_seed_year(actor=office, year=2032)
    assert CalendarDay.objects.get(date=date(2032, 1, 7)).kind == "working"


def test_calendar_seed_year_rejects_absurd_years(make_user):
    with pytest.raises(ValidationError):
        services.calendar_seed_year(actor=make_user("office_manager"), year=1812)


def test_calendar_day_set_refused_without_permission(staff):
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(
            actor=staff, day=date(2030, 1, 2), kind="holiday", name="X"
        )
    assert not CalendarDay.objects.filter(date=date(2030, 1, 2)).exists()


def test_user_update_preferences_records_the_user_as_actor(staff):
    services.user_update_preferences(
        user=staff, language="ru", email_notifications=False, phone="+996 555"
    )
    staff.refresh_from_db()
    assert (staff.language, staff.email_notifications) == ("ru", False)
    assert staff.history.latest().history_user == staff


def test_the_short_name_is_the_given_name():
    assert User(full_name="Асанова Айгүл Бакытовна").get_short_name() == "Айгүл"
    assert User(full_name="Айгүл").get_short_name() == "Айгүл"
    assert User(username="aigul").get_short_name() == "aigul"
