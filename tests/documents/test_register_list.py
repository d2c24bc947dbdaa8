"""documents.register_list: the list of documents in force and its PDF."""

import datetime
import io

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader

from documents.models import Document, DocumentRevision, PaperCopy, RevisionStatus
from documents.models.register import DocumentStatus
from documents.register_list import (
    RegisterRow,
    documents_in_force_register,
    review_state,
)
from sapat.signing.pdf import render_pdf
from tests.accounts.factories import UserFactory

TODAY = datetime.date(2026, 11, 27)
IN_FORCE_AT = datetime.datetime(2026, 1, 15, 9, 0, tzinfo=datetime.UTC)


def make_document(
    code: str,
    *,
    doc_type: str = "procedure",
    status: str = DocumentStatus.IN_FORCE,
    next_review: datetime.date | None = None,
    revision_status: str = RevisionStatus.IN_FORCE,
    copies: int = 0,
    withdrawn: int = 0,
) -> Document:
    """A document with its own owner, one revision and its paper copies."""
    owner = UserFactory()
    document = Document.objects.create(
        code=code,
        title=f"Жол-жобо {code} ң ө ү",
        doc_type=doc_type,
        owner=owner,
        owner_unit=owner.unit,
        status=status,
        next_review=next_review,
    )
    revision = DocumentRevision.objects.create(
        document=document,
        number=1,
        approval_status=revision_status,
        body="Текст",
        effective_date=datetime.date(2026, 1, 15),
        in_force_at=IN_FORCE_AT,
        created_by=owner,
    )
    for number in range(1, copies + 1):
        PaperCopy.objects.create(
            revision=revision,
            number=number,
            holder=owner,
            issued_on=datetime.date(2026, 1, 16),
            withdrawn_on=datetime.date(2026, 6, 1) if number <= withdrawn else None,
            withdrawn_by=owner if number <= withdrawn else None,
        )
    return document


@pytest.mark.django_db
def test_register_lists_only_documents_in_force_by_type_then_code():
    make_document("ДЖ-02")
    make_document("ПК-02", doc_type="process")
    make_document("ДЖ-01")
    make_document("СК", doc_type="manual")
    make_document("Б-2026-01", doc_type="order")
    make_document("ДЖ-13", status=DocumentStatus.DRAFT, revision_status="draft")
    make_document("ДЖ-14", status=DocumentStatus.WITHDRAWN, revision_status="obsolete")

    rows = documents_in_force_register(today=TODAY)

    # The manual's order of types (§4.2.1), not the alphabet of their values.
    assert [row.document.code for row in rows] == [
        "СК",
        "ДЖ-01",
        "ДЖ-02",
        "ПК-02",
        "Б-2026-01",
    ]
    assert all(isinstance(row, RegisterRow) for row in rows)


@pytest.mark.django_db
def test_register_row_shows_the_revision_in_force_and_its_paper_copies():
    document = make_document("ДЖ-01", copies=2, withdrawn=2)
    old = document.revisions.get()
    DocumentRevision.objects.filter(pk=old.pk).update(
        approval_status=RevisionStatus.OBSOLETE
    )
    new = DocumentRevision.objects.create(
        document=document,
        number=2,
        approval_status=RevisionStatus.IN_FORCE,
        body="Жаңы текст",
        effective_date=datetime.date(2026, 9, 1),
        created_by=document.owner,
    )
    for number, withdrawn_on in [(1, None), (2, datetime.date(2026, 10, 1)), (3, None)]:
        PaperCopy.objects.create(
            revision=new,
            number=number,
            holder=document.owner,
            issued_on=datetime.date(2026, 9, 1),
            withdrawn_on=withdrawn_on,
        )

    [row] = documents_in_force_register(today=TODAY)

    assert row.revision.pk == new.pk
    assert row.paper_copies_issued == 3
    assert row.paper_copies_withdrawn == 1
    assert row.paper_copies_out == 2
    assert row.in_force_since == datetime.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("days", "state"),
    [(-30, "overdue"), (-1, "overdue"), (0, "due"), (30, "due"), (31, "ok")],
)
def test_review_state_counts_from_the_given_today(days, state):
    next_review = TODAY + datetime.timedelta(days=days)

    assert review_state(next_review, today=TODAY) == state


def test_review_state_without_a_review_date_is_ok():
    assert review_state(None, today=TODAY) == "ok"


@pytest.mark.django_db
def test_register_review_state_uses_the_today_it_is_given():
    make_document("ДЖ-01", next_review=datetime.date(2026, 12, 15))
    make_document("ДЖ-02", next_review=datetime.date(2026, 11, 1))
    make_document("ДЖ-03", next_review=datetime.date(2027, 6, 1))

    now = {
        r.document.code: r.review_state
        for r in documents_in_force_register(today=TODAY)
    }
    later = {
        r.document.code: r.review_state
        for r in documents_in_force_register(today=datetime.date(2027, 5, 10))
    }

    assert now == {"ДЖ-01": "due", "ДЖ-02": "overdue", "ДЖ-03": "ok"}
    assert later == {"ДЖ-01": "overdue", "ДЖ-02": "overdue", "ДЖ-03": "due"}


def _queries_for_register(count: int) -> int:
    for n in range(count):
        make_document(
            f"ДЖ-{n:03d}",
            doc_type=["procedure", "process", "instruction"][n % 3],
            next_review=TODAY + datetime.timedelta(days=n),
            copies=2,
            withdrawn=n % 2,
        )
    with CaptureQueriesContext(connection) as queries:
        rows = documents_in_force_register(today=TODAY)
        html = render_to_string("documents/_register_table.html", {"rows": rows})
    assert len(rows) == count
    assert html.count("doc-register__row ") == count
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_register_runs_the_same_queries_for_3_and_30_documents():
    few = _queries_for_register(3)
    PaperCopy.objects.all().delete()
    DocumentRevision.objects.all().delete()
    Document.objects.all().delete()
    many = _queries_for_register(30)

    assert few == many == 2


@pytest.mark.django_db
def test_register_pdf_lists_the_codes_of_the_documents_in_force():
    make_document("СК", doc_type="manual", next_review=datetime.date(2027, 3, 1))
    make_document("ДЖ-01", next_review=datetime.date(2026, 11, 1), copies=1)
    make_document("ПК-03", doc_type="process", next_review=datetime.date(2026, 12, 1))
    make_document("РИ-05", doc_type="instruction")

    with translation.override("en"):
        pdf = render_pdf(
            "pdf/documents/register.html",
            {"rows": documents_in_force_register(today=TODAY), "today": TODAY},
        )

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for code in ("СК", "ДЖ-01", "ПК-03", "РИ-05"):
        assert code in text
    assert "Жол-жобо ДЖ-01 ң ө ү" in text
    assert "overdue" in text
    assert "27.11.2026" in text
