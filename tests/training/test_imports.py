"""Import of an existing experts database."""

import datetime

import pytest
from django.urls import reverse

from tests.training.factories import ExpertFactory
from tests.utils import (
    assert_constant_preview_queries,
    assert_import_pair,
    csv_file,
    import_confirm,
    import_upload,
    xlsx_file,
)
from training.models import Expert

pytestmark = pytest.mark.django_db

URL = "/training/experts/import/"


@pytest.fixture
def personnel(make_user):
    return make_user("deputy_director", language="en")


def test_import_experts_from_csv_with_bom(client, personnel, make_user):
    colleague = make_user("expert", username="aibek", full_name="Айбек Осмонов")
    client.force_login(personnel)
    upload = csv_file(
        [
            ["ФИО", "Организация", "Страна", "Сотрудник", "Согласие", "Дата согласия"],
            [
                "Айбек Осмонов",
                "Сапаттуу билим",
                "Кыргызстан",
                "aibek",
                "да",
                "01.02.2026",
            ],
            ["Ирина Петрова", "НГУ", "Россия", "", "нет", ""],
        ],
        bom=True,
    )
    preview = import_upload(client, URL, upload)
    assert preview.context["preview"].ok
    import_confirm(client, preview)
    internal = Expert.objects.get(user=colleague)
    assert internal.public_consent is True
    assert internal.consent_on == datetime.date(2026, 2, 1)
    assert internal.history.get().history_user == personnel
    external = Expert.objects.get(name="Ирина Петрова")
    assert (external.affiliation, external.public_consent) == ("НГУ", False)


def test_import_experts_from_xlsx(client, personnel):
    client.force_login(personnel)
    upload = xlsx_file(
        [
            [
                "Name",
                "Availability",
                "Agrees to appear in the public matrix",
                "Consent given on",
            ],
            ["Гүлнара Асанова", "limited", True, datetime.datetime(2026, 3, 4)],  # noqa: DTZ001
        ]
    )
    preview = import_upload(client, URL, upload)
    assert preview.context["preview"].ok
    import_confirm(client, preview)
    expert = Expert.objects.get()
    assert (expert.availability, expert.consent_on) == (
        "limited",
        datetime.date(2026, 3, 4),
    )


def test_expert_rows_with_errors_save_nothing(client, personnel, make_user):
    taken = make_user("expert", username="taken")
    ExpertFactory(name="Бар Эксперт")
    ExpertFactory(name="Башка", user=taken)
    client.force_login(personnel)
    preview = import_upload(
        client,
        URL,
        csv_file(
            [
                ["Name", "Member of staff", "Consent given on", "Availability"],
                ["бар эксперт", "", "", ""],
                ["Жаңы", "taken", "", ""],
                ["Дагы", "", "32.01.2026", "sometimes"],
            ]
        ),
    )
    rows = [row.error_messages() for row in preview.context["preview"].rows]
    assert rows == [
        ["It is in the register already."],
        [f"Member of staff: {taken} is in the experts database already."],
        [
            "Availability: “sometimes” is not one of the accepted values.",
            "Consent given on: “32.01.2026” is not a date; write it as 31.12.2026.",
        ],
    ]
    assert Expert.objects.count() == 2


def test_expert_import_pair(client, staff, personnel):
    data = [["Name"], ["Жаңы Эксперт"]]
    assert_import_pair(
        client, URL, data, without=staff, allowed=personnel, model=Expert
    )


def test_expert_list_links_to_the_import(client, make_user, personnel):
    reader = make_user("quality_manager")
    client.force_login(reader)
    assert URL not in client.get(reverse("training:expert_list")).content.decode()
    client.force_login(personnel)
    assert URL in client.get(reverse("training:expert_list")).content.decode()


def test_expert_preview_queries_do_not_grow_with_rows(client, personnel, make_user):
    staff = [make_user("expert") for _ in range(30)]
    client.force_login(personnel)
    assert_constant_preview_queries(
        client,
        URL,
        lambda n: csv_file(
            [["Name", "Member of staff", "Consent given on"]]
            + [[f"Эксперт {i}", staff[i].username, "01.02.2026"] for i in range(n)]
        ),
    )
