"""Import of an existing list of suppliers."""

import pytest
from django.urls import reverse

from suppliers.models import Supplier
from tests.suppliers.factories import SupplierFactory
from tests.utils import (
    assert_constant_preview_queries,
    assert_import_pair,
    csv_file,
    import_confirm,
    import_upload,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

URL = "/suppliers/import/"


@pytest.fixture
def buyer(make_user):
    return make_user("quality_manager", language="en")


def test_import_suppliers_from_cp1251_semicolon_csv(client, buyer):
    client.force_login(buyer)
    upload = csv_file(
        [
            ["Наименование", "Категории", "ИНН", "Контактное лицо", "Email"],
            ["«Принт-Экспресс» ОсОО", "printing", "01234567890123", "Асанов", ""],
            ["Бакыт Асанов", "IT; expert services", "", "", "b@example.kg"],
        ],
        encoding="cp1251",
        delimiter=";",
    )
    preview = import_upload(client, URL, upload)
    assert preview.context["preview"].ok
    import_confirm(client, preview)
    printer = Supplier.objects.get(tax_id="01234567890123")
    assert printer.name == "«Принт-Экспресс» ОсОО"
    assert printer.categories == ["printing"]
    assert printer.created_by == buyer
    assert printer.history.get().history_user == buyer
    person = Supplier.objects.get(name="Бакыт Асанов")
    assert sorted(person.categories) == ["experts", "it"]


def test_import_suppliers_from_xlsx(client, buyer):
    client.force_login(buyer)
    upload = xlsx_file(
        [
            ["Name", "Kind", "Categories", "Taxpayer number (ИНН)", "Active"],
            ["Ормон Бекович", "individual", "external trainers", 12345678901234, "no"],
        ]
    )
    preview = import_upload(client, URL, upload)
    assert preview.context["preview"].ok, preview.context["preview"].rows[0].errors
    import_confirm(client, preview)
    supplier = Supplier.objects.get()
    assert (supplier.kind, supplier.tax_id, supplier.active) == (
        "person",
        "12345678901234",
        False,
    )


def test_supplier_rows_with_errors_save_nothing(client, buyer):
    SupplierFactory(tax_id="11111111111111")
    client.force_login(buyer)
    preview = import_upload(
        client,
        URL,
        csv_file(
            [
                ["Name", "Categories", "Taxpayer number (ИНН)", "E-mail"],
                ["Бар", "it", "11111111111111", ""],
                ["Жаңы", "it; bananas", "", "not-an-address"],
                ["Эч нерсе", "", "", ""],
            ]
        ),
    )
    rows = [row.error_messages() for row in preview.context["preview"].rows]
    assert rows == [
        ["It is in the register already."],
        ["Categories: Not accepted: bananas.", "E-mail: Enter a valid email address."],
        ["Categories: A value is required."],
    ]
    assert "import-confirm" not in preview.content.decode()
    assert Supplier.objects.count() == 1


def test_supplier_import_pair(client, staff, buyer):
    data = [["Name", "Categories"], ["Жаңы", "it"]]
    assert_import_pair(client, URL, data, without=staff, allowed=buyer, model=Supplier)


def test_supplier_list_links_to_the_import(client, staff, buyer):
    client.force_login(staff)
    assert URL not in client.get(reverse("suppliers:supplier_list")).content.decode()
    client.force_login(buyer)
    assert URL in client.get(reverse("suppliers:supplier_list")).content.decode()


def test_supplier_preview_queries_do_not_grow_with_rows(client, buyer):
    client.force_login(buyer)
    assert_constant_preview_queries(
        client,
        URL,
        lambda n: csv_file(
            [["Name", "Categories", "Taxpayer number (ИНН)"]]
            + [[f"Жеткирүүчү {i}", "it; printing", f"{i:014d}"] for i in range(n)]
        ),
    )
