"""The quality manager moves the register of documents kept in Excel into
the portal on day one: upload, preview, confirm, and the documents are in
the register."""

import pytest
from playwright.sync_api import expect

from documents.models import Document
from tests.accounts.factories import TEST_PASSWORD, OrgUnitFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REGISTER = (
    "Шифр;Наименование;Вид;Подразделение\n"
    "ДЖ-01;Документтерди башкаруу;procedure;Сапат бөлүмү\n"
    "ДЖ-02;Жазууларды башкаруу;procedure;Сапат бөлүмү\n"
    "РИ-05;Документ жүгүртүү;instruction;Сапат бөлүмү\n"
)


def test_quality_manager_imports_the_register_of_documents(
    live_server, page, organisation, tmp_path
):
    base = live_server.url
    OrgUnitFactory(name_ky="Сапат бөлүмү")
    manager = UserFactory(
        roles=["quality_manager"], full_name="Гүлнара Мамбетова", language="en"
    )
    register = tmp_path / "register.csv"
    # Excel's "CSV UTF-8": Windows-1251 has no ң, ө, ү for Kyrgyz.
    register.write_bytes(("\ufeff" + REGISTER).encode())

    page.goto(f"{base}/accounts/login/?next=/documents/")
    page.fill("input[name=username]", manager.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("button[type=submit].w-100").click()

    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import of the register of documents"
    )
    page.get_by_label("File (CSV or XLSX)").set_input_files(str(register))
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_test_id("import-summary")).to_have_text("3 rows, 0 with errors.")
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator("#row-4")).to_contain_text("Документ жүгүртүү")
    assert not Document.objects.exists()

    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_role("alert").first).to_contain_text("Imported: 3 rows.")
    expect(page.locator("table tbody tr")).to_have_count(3)
    expect(page.get_by_role("link", name="Документ жүгүртүү")).to_be_visible()
    assert sorted(Document.objects.values_list("code", flat=True)) == [
        "ДЖ-01",
        "ДЖ-02",
        "РИ-05",
    ]
    assert Document.objects.get(code="РИ-05").owner == manager
