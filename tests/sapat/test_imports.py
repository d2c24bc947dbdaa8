"""The import framework: reading files, columns, the stored upload, the
all-or-nothing save (the register of documents stands in for every one)."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from documents.imports import DocumentImporter
from documents.models import Document
from documents.services import register as document_services
from sapat.imports import Boolean, Choice, Date, Integer, normalise, stored
from sapat.imports.reading import MAX_ROWS, decode, read_table, sniff_delimiter
from tests.accounts.factories import OrgUnitFactory, UserFactory
from tests.utils import (
    assert_constant_preview_queries,
    csv_file,
    import_confirm,
    import_upload,
    xlsx_file,
)

URL = "/documents/import/"
ROWS = [
    ["Code", "Title", "Type"],
    ["ДЖ-01", "Документтерди башкаруу", "procedure"],
    ["ДЖ-02", "Жазууларды башкаруу", "procedure"],
]


def _message(data: bytes) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        read_table(data)
    return caught.value.messages


# --- Reading files -------------------------------------------------------------


def test_utf8_with_bom_is_read():
    data = b"\xef\xbb\xbf" + "Код,Аталышы\nДЖ-01,Саясат\n".encode()
    table = read_table(data)
    assert (table.kind, table.header) == ("csv", ["Код", "Аталышы"])
    assert table.rows == [(2, ["ДЖ-01", "Саясат"])]


def test_cp1251_with_semicolons_is_read():
    data = "Шифр;Наименование\nДЖ-01;Политика в области качества\n".encode("cp1251")
    table = read_table(data)
    assert table.header == ["Шифр", "Наименование"]
    assert table.rows[0][1] == ["ДЖ-01", "Политика в области качества"]


def test_delimiter_is_sniffed_outside_quotes():
    assert sniff_delimiter('"a,b";c;d\n') == ";"
    assert sniff_delimiter("a\tb\tc\n") == "\t"
    assert sniff_delimiter("one column\n") == ","


def test_empty_rows_are_left_out_and_numbers_kept():
    data = "Code,Title\n\n , \nДЖ-01,A\n".encode()
    assert read_table(data).rows == [(4, ["ДЖ-01", "A"])]


def test_title_lines_above_the_header_are_left_out():
    data = "Реестр документов;;\n\nКод;Наименование\nДЖ-01;Политика\n".encode()
    table = read_table(data)
    assert table.header == ["Код", "Наименование"]
    assert table.rows == [(4, ["ДЖ-01", "Политика"])]
    single = read_table("Name\nААК\n".encode())
    assert (single.header, single.rows) == (["Name"], [(2, ["ААК"])])


def test_xlsx_first_sheet_is_read_with_dates():
    upload = xlsx_file([["Code", "Date"], ["ДЖ-01", datetime.date(2026, 3, 1)]])
    table = read_table(upload.read())
    assert table.kind == "xlsx"
    assert table.rows[0][1][1].date() == datetime.date(2026, 3, 1)


def test_a_pdf_renamed_csv_is_refused():
    assert _message(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n") == [
        "Only CSV and XLSX files are accepted; this file is not one of them."
    ]


def test_a_zip_that_is_not_xlsx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert _message(out.getvalue()) == [
        "Only CSV and XLSX files are accepted; this file is not one of them."
    ]


def test_a_broken_xlsx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not a workbook")
    assert _message(out.getvalue()) == [
        "The XLSX file could not be read; save it again from the spreadsheet."
    ]


def test_binary_content_is_refused():
    assert _message(b"Code,Title\n\x00\x01\x02") == [
        "Only CSV and XLSX files are accepted; this file is not one of them."
    ]


def test_a_file_too_large_is_refused():
    assert _message(b"a,b\n" * (1024 * 1024 + 1) * 2) == [
        "The file is larger than 5 MB."
    ]


def test_too_many_rows_are_refused():
    data = ("Code\n" + "ДЖ\n" * (MAX_ROWS + 1)).encode()
    assert _message(data) == [
        f"The file has more than {MAX_ROWS} rows; split it into several files."
    ]


def test_empty_file_and_header_only_are_refused():
    assert _message(b"") == ["The file is empty."]
    assert _message(b"\n \n") == ["The file is empty."]
    assert _message(b"Code,Title\n") == ["The file has a header row but no data rows."]


def test_windows_1251_is_tried_after_utf8():
    assert decode("Сапат".encode("cp1251")) == "Сапат"
    assert decode("Сапат".encode()) == "Сапат"


# --- Columns ---------------------------------------------------------------------


def test_normalise_ignores_case_quotes_and_spaces():
    assert normalise(" «Сапаттуу  билим» ") == normalise("сапаттуу билим")
    assert normalise("Код*") == "код"
    assert normalise("Ёлка") == "елка"


def test_date_cells():
    kind = Date()
    assert kind.parse("31.12.2026", None) == datetime.date(2026, 12, 31)
    assert kind.parse("2026-12-31", None) == datetime.date(2026, 12, 31)
    assert kind.parse(
        datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC), None
    ) == datetime.date(2026, 1, 2)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        kind.parse("31.13.2026", None)
    assert caught.value.messages == [
        "“31.13.2026” is not a date; write it as 31.12.2026."
    ]


def test_boolean_cells():
    kind = Boolean()
    assert kind.parse("Да", None) is True
    assert kind.parse("жок", None) is False
    assert kind.parse(1, None) is True
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        kind.parse("maybe", None)
    assert caught.value.messages == ["“maybe” is neither yes nor no."]


def test_integer_cells():
    kind = Integer(1, 60)
    assert kind.parse(24.0, None) == 24
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        kind.parse("61", None)
    assert caught.value.messages == ["Enter a number from 1 to 60."]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        kind.parse("twelve", None)
    assert caught.value.messages == ["Enter a whole number."]


def test_choice_by_code_or_label_in_any_language():
    from documents.models.register import Access

    kind = Choice(Access)
    state = kind.prepare(None, None)
    assert kind.parse("restricted", state) == "restricted"
    assert kind.parse("All staff", state) == "staff"
    with translation.override("ru"):
        russian = str(Access.PUBLIC.label)
    assert kind.parse(russian.upper(), state) == "public"


def _importers():
    from projects.imports import ClientImporter
    from records.imports import NomenclatureItemImporter
    from suppliers.imports import SupplierImporter
    from training.imports import ExpertImporter

    return [
        DocumentImporter,
        SupplierImporter,
        ExpertImporter,
        ClientImporter,
        NomenclatureItemImporter,
    ]


@pytest.mark.parametrize("importer", _importers(), ids=lambda i: i.key)
def test_each_columns_own_headers_are_its_own(importer):
    """A column's explicit headers are never another column's: the names
    of one register's columns do not clash (translated labels may repeat
    an explicit header; the explicit one wins)."""
    owners = {}
    for column in importer.columns:
        for name in column.explicit_names():
            assert owners.setdefault(name, column.name) == column.name, name
    for column in importer.columns:
        assert importer.header_map()[normalise(column.name)] is column


# --- Header, rows, the stored upload ---------------------------------------------


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager", language="en")


@pytest.mark.django_db
def test_header_problems_are_shown_on_the_upload_page(client, manager):
    client.force_login(manager)
    response = import_upload(
        client, URL, csv_file([["Code", "Code", "Colour"], ["ДЖ-1", "ДЖ-2", "red"]])
    )
    errors = response.context["form"].errors["file"]
    assert errors == [
        "The column “Code” is there twice.",
        "Unknown column “Colour”.",
        "The required column “Title” is missing.",
        "The required column “Type” is missing.",
    ]
    assert not list(_stored_files())


@pytest.mark.django_db
def test_bad_files_are_refused_on_the_upload_page(client, manager):
    client.force_login(manager)
    pdf = SimpleUploadedFile("register.csv", b"%PDF-1.7\nbinary", "text/csv")
    response = import_upload(client, URL, pdf)
    assert response.context["form"].errors["file"] == [
        "Only CSV and XLSX files are accepted; this file is not one of them."
    ]
    response = import_upload(client, URL, csv_file([["Code", "Title", "Type"]]))
    assert response.context["form"].errors["file"] == [
        "The file has a header row but no data rows."
    ]
    large = SimpleUploadedFile("register.csv", b"a,b\n" * 1_500_000, "text/csv")
    response = import_upload(client, URL, large)
    assert response.context["form"].errors["file"] == ["The file is larger than 5 MB."]
    empty = SimpleUploadedFile("register.csv", b"", "text/csv")
    response = import_upload(client, URL, empty)
    assert response.context["form"].errors["file"]
    assert not list(_stored_files())


@pytest.mark.django_db
def test_the_upload_page_lists_the_columns_and_their_values(client, manager):
    client.force_login(manager)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Review period, months" in html
    assert "A whole number from 1 to 60." in html
    assert "Documented procedure (ДЖ) (procedure)" in html
    assert 'href="/documents/import/template.csv"' in html


@pytest.mark.django_db
def test_a_name_two_people_share_is_ambiguous(client, manager):
    UserFactory(full_name="Асанов Бакыт")
    UserFactory(full_name="Асанов  Бакыт")
    client.force_login(manager)
    response = import_upload(
        client,
        URL,
        csv_file(
            [["Code", "Title", "Type", "Owner"], ["ДЖ-1", "A", "plan", "асанов бакыт"]]
        ),
    )
    assert response.context["preview"].rows[0].error_messages() == [
        "Owner: “асанов бакыт” matches several; write it more exactly."
    ]


@pytest.mark.django_db
def test_a_value_without_a_header_is_a_row_error(client, manager):
    client.force_login(manager)
    response = import_upload(
        client, URL, csv_file([["Code", "Title", "Type"], ["ДЖ-1", "A", "plan", "x"]])
    )
    row = response.context["preview"].rows[0]
    assert row.error_messages() == ["A value stands in a column without a header: “x”."]


def _stored_files():
    try:
        return default_storage.listdir(stored.FOLDER)[1]
    except FileNotFoundError:
        return []


@pytest.mark.django_db
def test_the_upload_is_kept_until_confirmed_then_deleted(client, manager):
    client.force_login(manager)
    preview = import_upload(client, URL, csv_file(ROWS))
    assert len(_stored_files()) == 1
    import_confirm(client, preview)
    assert Document.objects.count() == 2
    assert _stored_files() == []
    # The same token again: the file is gone, nothing is saved twice.
    response = client.post(
        reverse("documents:import_confirm"), {"token": preview.context["token"]}
    )
    assert response.status_code == 404
    assert Document.objects.count() == 2


@pytest.mark.django_db
def test_another_users_token_is_refused(client, manager):
    client.force_login(manager)
    preview = import_upload(client, URL, csv_file(ROWS))
    token = preview.context["token"]
    other = UserFactory(roles=["quality_manager"])
    client.force_login(other)
    url = reverse("documents:import_preview", kwargs={"token": token})
    assert client.get(url).status_code == 404
    response = client.post(reverse("documents:import_confirm"), {"token": token})
    assert response.status_code == 404
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_forged_or_other_registers_token_is_refused(client, manager):
    from suppliers.imports import SupplierImporter

    client.force_login(manager)
    token = stored.store(b"x", user=manager, importer=SupplierImporter(user=manager))
    response = client.post(reverse("documents:import_confirm"), {"token": token})
    assert response.status_code == 404
    response = client.post(reverse("documents:import_confirm"), {"token": "forged"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_expired_upload_is_refused_and_deleted(client, manager, monkeypatch):
    client.force_login(manager)
    preview = import_upload(client, URL, csv_file(ROWS))
    monkeypatch.setattr(stored, "MAX_AGE", datetime.timedelta(seconds=-1))
    response = client.post(
        reverse("documents:import_confirm"),
        {"token": preview.context["token"]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == URL
    assert "This upload has expired; upload the file again." in (
        response.content.decode()
    )
    assert not Document.objects.exists()
    assert _stored_files() == []


@pytest.mark.django_db
def test_old_uploads_are_purged(manager):
    stored.store(b"a", user=manager, importer=DocumentImporter(user=manager))
    later = datetime.datetime.now(datetime.UTC) + stored.MAX_AGE * 2
    assert stored.purge(later) == 1
    assert _stored_files() == []


@pytest.mark.django_db
def test_an_error_at_save_time_rolls_back_every_row(client, manager, monkeypatch):
    real = document_services.document_create

    def refuse_second(**kwargs):
        if kwargs["code"] == "ДЖ-02":
            raise ValidationError({"title": "Refused by the service."})
        return real(**kwargs)

    monkeypatch.setattr("documents.imports.document_create", refuse_second)
    client.force_login(manager)
    preview = import_upload(client, URL, csv_file(ROWS))
    response = import_confirm(client, preview)
    assert not Document.objects.exists()
    html = response.content.decode()
    assert "Nothing was imported: 1 row could not be saved." in html
    assert "Title: Refused by the service." in html
    assert response.context["preview"].error_count == 1


@pytest.mark.django_db
def test_preview_queries_do_not_grow_with_rows(client, manager):
    units = [OrgUnitFactory() for _ in range(30)]
    owners = [UserFactory() for _ in range(30)]

    def upload_for(n):
        return csv_file(
            [["Code", "Title", "Type", "Owner", "Owner unit"]]
            + [
                [
                    f"ДЖ-{i}",
                    f"Жол-жобо {i}",
                    "procedure",
                    owners[i].username,
                    units[i].name_ky,
                ]
                for i in range(n)
            ]
        )

    client.force_login(manager)
    assert_constant_preview_queries(client, URL, upload_for)


@pytest.mark.django_db
def test_the_xlsx_template_has_the_header_row(client, manager):
    from openpyxl import load_workbook

    client.force_login(manager)
    response = client.get(URL + "template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[:3] == ("Code", "Title", "Type")
    assert client.get(URL + "template.pdf").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("importer", _importers(), ids=lambda i: i.key)
def test_every_register_offers_its_templates(client, make_user, importer):
    from tests.records.factories import NomenclatureFactory

    NomenclatureFactory(year=2026)
    director = make_user("director", language="en")
    kwargs = {"year": 2026} if importer.key == "nomenclature-items" else {}
    one = importer(user=director, **kwargs)
    client.force_login(director)
    response = client.get(one.url("_template", fmt="csv"))
    header = response.content.decode("utf-8-sig").strip().split(";")
    assert header == one.titles()
    assert one.header_map()[normalise(header[0])] is importer.columns[0]
    from openpyxl import load_workbook

    response = client.get(one.url("_template", fmt="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert list(next(sheet.iter_rows(values_only=True))) == header
