"""Import of the items of a draft nomenclature of files."""

import pytest
from django.urls import reverse

from records.models import NomenclatureItem
from tests.records.factories import ItemFactory, NomenclatureFactory, SectionFactory
from tests.utils import (
    assert_constant_preview_queries,
    assert_import_pair,
    csv_file,
    import_confirm,
    import_upload,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

URL = "/records/nomenclature/2026/items/import/"


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager", language="en", username="gulnara")


@pytest.fixture
def section(db):
    return SectionFactory(
        nomenclature=NomenclatureFactory(year=2026), code="02", title="Сапат бөлүмү"
    )


def test_import_items_from_csv(client, manager, section):
    client.force_login(manager)
    upload = csv_file(
        [
            [
                "Раздел",
                "Индекс",
                "Заголовок",
                "Хранение",
                "Срок хранения, лет",
                "Ответственный",
            ],
            ["02", "02-01", "Ички аудиттердин программалары", "", "5", "gulnara"],
            ["Сапат бөлүмү", "02-02", "Сапат боюнча колдонмо", "permanent", "", ""],
        ],
        delimiter=";",
    )
    preview = import_upload(client, URL, upload)
    assert preview.context["preview"].ok
    import_confirm(client, preview)
    first = NomenclatureItem.objects.get(index="02-01")
    assert (first.section, first.retention_years, first.responsible) == (
        section,
        5,
        manager,
    )
    assert first.nomenclature == section.nomenclature
    assert first.history.get().history_user == manager
    assert NomenclatureItem.objects.get(index="02-02").retention_kind == "permanent"


def test_import_items_from_xlsx(client, manager, section):
    client.force_login(manager)
    upload = xlsx_file(
        [
            ["Section", "Index", "Title", "Years kept", "Format", "Restricted"],
            ["02", "02-03", "Кадрлар", 75, "paper", "yes"],
        ]
    )
    preview = import_upload(client, URL, upload)
    assert preview.context["preview"].ok
    import_confirm(client, preview)
    item = NomenclatureItem.objects.get()
    assert (item.retention_years, item.medium, item.restricted) == (75, "paper", True)


def test_item_rows_with_errors_save_nothing(client, manager, section):
    ItemFactory(section=section, index="02-09")
    client.force_login(manager)
    preview = import_upload(
        client,
        URL,
        csv_file(
            [
                ["Section", "Index", "Title", "Retention", "Years kept"],
                ["02", "02-09", "Бар", "", "3"],
                ["99", "02-10", "Бөлүм жок", "", "3"],
                ["02", "02-11", "Жыл жок", "years", ""],
                ["02", "02-12", "Ашыкча жыл", "permanently", "3"],
            ]
        ),
    )
    rows = [row.error_messages() for row in preview.context["preview"].rows]
    assert rows == [
        ["It is in the register already."],
        ["Section: “99” is not a section of this nomenclature."],
        ["Years kept: Say for how many years the records are kept."],
        ["Years kept: Years apply only to a retention in years."],
    ]
    assert NomenclatureItem.objects.count() == 1


def test_an_approved_nomenclature_takes_no_import(client, manager, section):
    nomenclature = section.nomenclature
    nomenclature.approval_status = "approved"
    nomenclature.save()
    client.force_login(manager)
    data = [["Section", "Index", "Title", "Years kept"], ["02", "02-01", "Иш", "1"]]
    response = import_upload(client, URL, csv_file(data))
    assert "only a draft takes new items" in response.content.decode()
    assert "form" in response.context and "preview" not in response.context
    assert not NomenclatureItem.objects.exists()


def test_item_import_pair(client, staff, manager, section):
    data = [["Section", "Index", "Title", "Years kept"], ["02", "02-01", "Иш", "1"]]
    client.force_login(staff)
    assert client.get("/records/nomenclature/1999/items/import/").status_code == 404
    assert_import_pair(
        client, URL, data, without=staff, allowed=manager, model=NomenclatureItem
    )


def test_a_token_of_another_year_is_refused(client, manager, section):
    NomenclatureFactory(year=2027)
    client.force_login(manager)
    data = [["Section", "Index", "Title", "Years kept"], ["02", "02-01", "Иш", "1"]]
    preview = import_upload(client, URL, csv_file(data))
    confirm = reverse("records:item_import_confirm", kwargs={"year": 2027})
    assert client.post(confirm, {"token": preview.context["token"]}).status_code == 404
    assert not NomenclatureItem.objects.exists()


def test_nomenclature_page_links_to_the_import(client, staff, manager, section):
    page = reverse("records:nomenclature_detail", args=[2026])
    client.force_login(staff)
    assert URL not in client.get(page).content.decode()
    client.force_login(manager)
    assert URL in client.get(page).content.decode()


def test_item_preview_queries_do_not_grow_with_rows(
    client, manager, section, make_user
):
    sections = [
        SectionFactory(nomenclature=section.nomenclature, code=f"{i + 10}")
        for i in range(30)
    ]
    people = [make_user("staff") for _ in range(30)]
    client.force_login(manager)
    assert_constant_preview_queries(
        client,
        URL,
        lambda n: csv_file(
            [["Section", "Index", "Title", "Years kept", "Responsible"]]
            + [
                [sections[i].code, f"{i}-01", f"Иш {i}", "3", people[i].username]
                for i in range(n)
            ]
        ),
    )
