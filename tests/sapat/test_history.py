import pytest
from django.urls import reverse

from sapat.accounts.models import OrgUnit
from sapat.history import attribute, history_rows
from tests.accounts.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_history_rows_name_who_changed_which_field_from_and_to(director):
    head = UserFactory(full_name="Нурлан Токтогулов")
    unit = OrgUnitFactory(name_ky="Бөлүм")
    unit.name_ky = "Жаңы бөлүм"
    unit.head = head
    attribute(unit, actor=director, reason="Reorganisation")
    unit.save()
    newest, created = history_rows(unit)
    assert newest.who == director
    assert newest.reason == "Reorganisation"
    changes = {c.label: (c.old, c.new) for c in newest.changes}
    label = str(OrgUnit._meta.get_field("name_ky").verbose_name)
    assert changes[label] == ("Бөлүм", "Жаңы бөлүм")
    assert changes[str(OrgUnit._meta.get_field("head").verbose_name)] == (
        "—",
        "Нурлан Токтогулов",
    )
    assert created.changes == []


def test_history_of_a_request_change_names_the_logged_in_user(client, staff):
    client.force_login(staff)
    client.post(
        reverse("accounts:profile"),
        {"language": "en", "email_notifications": "on", "phone": ""},
    )
    assert staff.history.latest().history_user == staff


def test_history_rows_take_a_fixed_number_of_queries(
    director, django_assert_max_num_queries
):
    unit = OrgUnitFactory()
    for n in range(30):
        unit.head = UserFactory()
        unit.name_ky = f"Бөлүм {n}"
        attribute(unit, actor=director)
        unit.save()
    with django_assert_max_num_queries(3):
        rows = history_rows(unit, limit=50)
    assert len(rows) == 31


def test_history_tab_is_shown_on_the_profile(client, staff):
    client.force_login(staff)
    content = client.get(reverse("accounts:profile")).content.decode()
    assert 'id="history-heading"' in content


def test_reverting_history_in_the_admin_is_disabled(settings):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    assert OrgUnit.history.model  # history is kept
