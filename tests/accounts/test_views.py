from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from sapat.accounts.forms import LoginForm
from sapat.accounts.models import CalendarDay, User
from sapat.notify.models import Email
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.utils import assert_constant_queries

pytestmark = pytest.mark.django_db


def _in(language: str, text) -> str:
    from django.utils import translation

    with translation.override(language):
        return str(text)


LOGIN = reverse("accounts:login")


def test_login_with_the_right_password_opens_my_work(client, staff):
    response = client.post(
        LOGIN, {"username": staff.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_wrong_password_gets_a_message_in_kyrgyz(client, staff):
    response = client.post(LOGIN, {"username": staff.username, "password": "nope"})
    assert response.status_code == 200
    message = _in("ky", LoginForm.error_messages["invalid_login"])
    assert message != _in("en", LoginForm.error_messages["invalid_login"])
    assert message in response.content.decode()


def test_wrong_password_gets_a_message_in_russian(client, staff):
    client.cookies["sapat_language"] = "ru"
    response = client.post(LOGIN, {"username": staff.username, "password": "nope"})
    message = _in("ru", LoginForm.error_messages["invalid_login"])
    assert message != _in("en", LoginForm.error_messages["invalid_login"])
    assert message in response.content.decode()


def test_login_is_locked_after_repeated_failures(client, staff, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": staff.username, "password": "nope"})
    response = client.post(
        LOGIN, {"username": staff.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    assert "accounts/lockout.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session


def test_password_reset_answers_the_same_for_unknown_and_known_addresses(
    client, staff, django_capture_on_commit_callbacks
):
    url = reverse("accounts:password_reset")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(url, {"email": "nobody@example.kg"})
    assert not Email.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": staff.email})
    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url
    assert Email.objects.get().to == staff.email
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_reset_with_a_malformed_address_shows_an_error(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "x@"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not Email.objects.exists()


def test_profile_saves_preferences(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("accounts:profile"),
        {"language": "ru", "email_notifications": "", "phone": "+996 (555) 12-34"},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.language == "ru"
    assert staff.email_notifications is False
    assert staff.history.latest().history_user == staff


def test_profile_rejects_a_bad_phone_and_changes_nothing(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("accounts:profile"),
        {"language": "xx", "email_notifications": "on", "phone": "call me <b>"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "phone" in errors
    assert "language" in errors
    staff.refresh_from_db()
    assert staff.language == "ky"
    assert staff.phone == ""


def test_people_directory_lists_active_staff_and_searches(client, staff):
    UserFactory(full_name="Гүлзат Асанова", post="Референт")
    UserFactory(full_name="Болот Уметов", is_active=False)
    client.force_login(staff)
    response = client.get(reverse("accounts:user_list"), {"q": "Гүлзат"})
    names = [str(u) for u in response.context["page_obj"]]
    assert names == ["Гүлзат Асанова"]
    response = client.get(reverse("accounts:user_list"))
    assert "Болот Уметов" not in response.content.decode()


def test_people_directory_has_a_query_budget(client, staff):
    client.force_login(staff)
    assert_constant_queries(
        client,
        reverse("accounts:user_list"),
        lambda n: UserFactory.create_batch(n, roles=["referent"]),
    )


def test_person_page_shows_roles(client, staff):
    person = UserFactory(roles=["quality_manager"])
    client.force_login(staff)
    response = client.get(reverse("accounts:user_detail", args=[person.pk]))
    assert response.status_code == 200
    assert response.context["roles"][0].key == "quality_manager"


def test_person_page_of_an_unknown_user_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("accounts:user_detail", args=[999999])).status_code == 404


def test_authority_matrix_is_generated_from_the_groups(client, staff):
    client.force_login(staff)
    response = client.get(reverse("accounts:authority_matrix"))
    assert response.status_code == 200
    roles = [role.key for role in response.context["roles"]]
    assert roles[0] == "director"
    cells = {
        label: row
        for _section, rows in response.context["sections"]
        for label, row in rows
    }
    director_column = roles.index("director")
    staff_column = roles.index("staff")
    from sapat.accounts.models import OrganisationProfile

    name = str(OrganisationProfile._meta.verbose_name)
    profile_rows = [row for label, row in cells.items() if name in label]
    assert any(row[director_column] for row in profile_rows)
    assert not any(row[staff_column] for row in profile_rows)


# --- Working calendar: permission pairs and bad input --------------------


def test_calendar_page_forbidden_to_a_role_without_the_permission(client, make_user):
    client.force_login(make_user("referent"))
    assert client.get(reverse("accounts:calendar")).status_code == 403


def test_calendar_post_by_staff_without_edit_rights_changes_nothing(client, make_user):
    client.force_login(make_user("quality_manager"))  # may view, not edit
    response = client.post(
        reverse("accounts:calendar"),
        {"day-date": "2030-01-02", "day-kind": "holiday", "day-name": "X"},
    )
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(date=date(2030, 1, 2)).exists()


def test_office_manager_adds_a_holiday_with_history(client, make_user):
    office = make_user("office_manager")
    client.force_login(office)
    response = client.post(
        reverse("accounts:calendar"),
        {"day-date": "2030-01-02", "day-kind": "holiday", "day-name": "Extra"},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=date(2030, 1, 2))
    assert day.history.latest().history_user == office


def test_calendar_form_rejects_a_bad_date_and_saves_nothing(client, make_user):
    client.force_login(make_user("office_manager"))
    before = CalendarDay.objects.count()
    response = client.post(
        reverse("accounts:calendar"),
        {"day-date": "31.02.2030", "day-kind": "holiday", "day-name": ""},
    )
    assert response.status_code == 200
    errors = response.context["day_form"].errors
    assert "date" in errors
    assert "name" in errors
    assert CalendarDay.objects.count() == before


def test_calendar_seed_form_rejects_a_year_out_of_range(client, make_user):
    client.force_login(make_user("office_manager"))
    response = client.post(
        reverse("accounts:calendar"), {"seed": "", "seed-year": "1812"}
    )
    assert response.status_code == 200
    assert response.context["seed_form"].errors["year"]


def test_calendar_seed_queues_the_task_after_commit(
    client, make_user, django_capture_on_commit_callbacks
):
    office = make_user("office_manager")
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("accounts:calendar"), {"seed": "", "seed-year": "2036"}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert not CalendarDay.objects.filter(date__year=2036).exists()
    callbacks[0]()
    assert CalendarDay.objects.filter(date__year=2036).count() == 12


def test_calendar_delete_pair(client, make_user):
    day = CalendarDay.objects.get(date=date(2026, 8, 31))
    client.force_login(make_user("staff"))
    url = reverse("accounts:calendar_day_delete", args=[day.pk])
    assert client.post(url).status_code == 403
    assert CalendarDay.objects.filter(pk=day.pk).exists()
    office = make_user("office_manager")
    client.force_login(office)
    assert client.post(url).status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    deleted = CalendarDay.history.filter(id=day.pk, history_type="-").get()
    assert deleted.history_user == office


def test_logout_is_a_post(client, staff):
    client.force_login(staff)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_user_model_keeps_no_password_history(staff):
    assert not hasattr(User.history.model, "password")
