"""Import of the register of documents from CSV and XLSX."""

import pytest
from django.urls import reverse

from documents.models import Document
from tests.accounts.factories import OrgUnitFactory
from tests.documents.factories import DocumentFactory
from tests.utils import (
    assert_import_pair,
    csv_file,
    import_confirm,
    import_upload,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

URL = "/documents/import/"
HEADER = ["Code", "Title", "Type", "Owner", "Owner unit", "Access"]


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager", language="en", username="gulnara")


def test_import_documents_from_csv(client, manager):
    unit = OrgUnitFactory(name_ky="Сапат бөлүмү", name_ru="Отдел качества")
    client.force_login(manager)
    preview = import_upload(
        client,
        URL,
        csv_file(
            [
                ["Код", "Аталышы", "Түрү", "Ээси", "Бөлүм"],
                [
                    "ДЖ-01",
                    "Документтерди башкаруу",
                    "procedure",
                    "gulnara",
                    "отдел качества",
                ],
                ["ПК-03", "Корпоративдик окутуу", "process", "", "Сапат бөлүмү"],
            ]
        ),
    )
    assert preview.status_code == 200
    assert preview.context["preview"].ok
    assert "2 rows, 0 with errors." in preview.content.decode()
    assert not Document.objects.exists()  # nothing before the confirmation

    done = import_confirm(client, preview)
    assert done.redirect_chain[-1][0] == reverse("documents:index")
    assert "Imported: 2 rows." in done.content.decode()
    first = Document.objects.get(code="ДЖ-01")
    assert (first.doc_type, first.owner, first.owner_unit) == (
        "procedure",
        manager,
        unit,
    )
    assert first.access == "staff" and first.review_months == 12
    assert first.history.get().history_user == manager
    assert Document.objects.get(code="ПК-03").owner == manager


def test_import_documents_from_xlsx(client, manager):
    client.force_login(manager)
    preview = import_upload(
        client,
        URL,
        xlsx_file(
            [
                ["Шифр", "Наименование", "Вид", "Доступ", "Период пересмотра"],
                ["РИ-05", "Документ жүгүртүү", "work instruction (РИ)", "public", 24],
            ]
        ),
    )
    assert preview.context["preview"].ok, (
        preview.context["preview"].rows[0].error_messages()
    )
    import_confirm(client, preview)
    document = Document.objects.get()
    assert (document.code, document.doc_type, document.access) == (
        "РИ-05",
        "instruction",
        "public",
    )
    assert document.review_months == 24


def test_document_rows_with_errors_save_nothing(client, manager):
    DocumentFactory(code="ДЖ-02")
    client.force_login(manager)
    preview = import_upload(
        client,
        URL,
        csv_file(
            [
                HEADER,
                ["ДЖ-10", "Жакшы сап", "procedure", "", "", ""],
                ["дж 02", "Бар", "procedure", "", "", ""],
                ["ДЖ-11", "Тип жок", "poem", "", "", ""],
                ["ДЖ-12", "Ээси жок", "plan", "nobody", "Ай бөлүм", "secret"],
                ["дж-10", "Эки жолу", "plan", "", "", ""],
                ["", "", "plan", "", "", ""],
            ]
        ),
    )
    result = preview.context["preview"]
    assert not result.ok
    assert result.error_count == 5
    rows = {row.number: row.error_messages() for row in result.rows}
    assert rows[2] == []
    assert rows[3] == ["It is in the register already."]
    assert rows[4] == ["Type: “poem” is not one of the accepted values."]
    assert rows[5] == [
        "Owner: “nobody” is not a member of staff of the portal.",
        "Owner unit: “Ай бөлүм” is not a unit of the structure.",
        "Access: “secret” is not one of the accepted values.",
    ]
    assert rows[6] == ["The same as row 2 of the file."]
    assert rows[7] == ["Code: A value is required.", "Title: A value is required."]
    html = preview.content.decode()
    assert "6 rows, 5 with errors." in html
    assert 'aria-describedby="row-4-errors"' in html
    assert '<th scope="col">Owner unit</th>' in html
    assert "import-confirm" not in html
    # A confirmation forced anyway re-checks the file and saves nothing.
    token = preview.context["token"]
    response = client.post(
        reverse("documents:import_confirm"), {"token": token}, follow=True
    )
    assert response.context["preview"].error_count == 5
    assert Document.objects.count() == 1


def test_document_import_pair(client, staff, manager):
    data = [["Code", "Title", "Type"], ["ДЖ-20", "Жаңы", "plan"]]
    client.force_login(staff)
    assert client.get(URL + "template.csv").status_code == 403
    preview = assert_import_pair(
        client, URL, data, without=staff, allowed=manager, model=Document
    )
    client.force_login(staff)
    token = preview.context["token"]
    preview_url = reverse("documents:import_preview", kwargs={"token": token})
    assert client.get(preview_url).status_code == 403


def test_document_list_links_to_the_import_for_those_who_may(client, staff, manager):
    client.force_login(staff)
    assert URL not in client.get(reverse("documents:index")).content.decode()
    client.force_login(manager)
    assert URL in client.get(reverse("documents:index")).content.decode()


def test_document_template_names_the_columns(client, manager):
    client.force_login(manager)
    response = client.get(URL + "template.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").strip() == (
        "Code;Title;Type;Owner;Owner unit;Access;Review period, months"
    )
