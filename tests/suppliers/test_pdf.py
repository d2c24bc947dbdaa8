"""The approved suppliers list as a signed PDF."""

import io

import pytest
from pypdf import PdfReader

from sapat.signing import services as signing
from sapat.signing.pdf import verify_pdf
from sapat.signing.selectors import pdfs_of
from suppliers import services
from tests.suppliers.factories import SupplierFactory, approved_list

pytestmark = pytest.mark.django_db


def test_approved_list_pdf_lists_the_rows_and_verifies(
    make_user, director, organisation, pdf_keys, django_capture_on_commit_callbacks
):
    manager = make_user("quality_manager")
    approved_list(2026, [(SupplierFactory(name="«Техноком» ЖЧК"), "it")])
    supplier_list = services.supplier_list_compile(actor=manager, year=2027)
    route = signing.route_start(obj=supplier_list, actor=manager)
    with django_capture_on_commit_callbacks(execute=True):
        signing._route_sign(step=route.steps.get(), actor=director, comment="")
    pdf = pdfs_of(supplier_list).get(status="ready")
    data = pdf.file.read()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    # A name may wrap inside its table cell ("«Техноком»\nЖЧК" under the
    # Kyrgyz headers): compare with the whitespace collapsed.
    assert "«Техноком» ЖЧК" in " ".join(text.split())
    check = verify_pdf(data)
    assert check.intact and check.by_us
