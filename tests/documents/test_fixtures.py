"""fixtures/documents.json: the Quality Manual's own documents, in force."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from documents.models import Document, DocumentRevision, RevisionStatus
from documents.models.register import Access, DocumentStatus

MANUAL = Path(settings.BASE_DIR).parent / "shared" / "manual" / "quality-manual.ky.txt"

PROCEDURES = [f"ДЖ-{number:02d}" for number in range(1, 13)]
PROCESSES = ["ПК-02", "ПК-03", "ПК-04"]
CODES = ["СК", *PROCEDURES, *PROCESSES, "РИ-05"]


@pytest.fixture
def loaded(db):
    call_command(
        "loaddata",
        "fixtures/demo.json",
        "fixtures/quality.json",
        "fixtures/records.json",
        "fixtures/documents.json",
        verbosity=0,
    )


def test_documents_fixture_has_every_document_of_the_manual_in_force(loaded):
    documents = {d.code: d for d in Document.objects.all()}

    assert set(CODES) <= set(documents)
    for code in CODES:
        assert documents[code].status == DocumentStatus.IN_FORCE, code
    assert {documents[code].doc_type for code in PROCEDURES} == {"procedure"}
    assert {documents[code].doc_type for code in PROCESSES} == {"process"}
    assert documents["РИ-05"].doc_type == "instruction"
    assert documents["СК"].doc_type == "manual"


def test_documents_fixture_gives_each_document_one_revision_in_force(loaded):
    for document in Document.objects.all():
        revisions = list(document.revisions.all())
        assert len(revisions) == 1, document.code
        revision = revisions[0]
        assert revision.number == 1
        assert revision.approval_status == RevisionStatus.IN_FORCE
        assert revision.in_force_at is not None
        assert revision.approved_at is not None
        assert revision.body.strip(), document.code


def test_documents_fixture_uses_the_titles_of_the_manual(loaded):
    titles = dict(Document.objects.values_list("code", "title"))

    assert titles["СК"] == "Сапат боюнча колдонмо"
    assert titles["ДЖ-01"] == "Документтерди башкаруу"
    assert titles["ДЖ-02"] == "Сапаты боюнча жазууларды башкаруу"
    assert titles["ДЖ-06"] == "Ички аудиттер"
    assert titles["ПК-03"] == "Корпоративдик окутууну жүргүзүү"
    assert titles["РИ-05"] == "Агенттиктеги документ жүгүртүүнү уюштуруу тартиби"


def test_documents_fixture_attaches_the_manual_as_the_text_of_the_qm(loaded):
    revision = DocumentRevision.objects.get(document__code="СК")

    assert "Сапат боюнча колдонмо" in revision.body
    assert "Шайкеш келбеген көрсөтүлгөн кызматты башкаруу" in revision.body
    if MANUAL.is_file():  # the shared folder is not part of the repository
        assert revision.body == MANUAL.read_text(encoding="utf-8")


def test_documents_fixture_publishes_only_the_quality_manual(loaded):
    public = Document.objects.filter(access=Access.PUBLIC)

    assert list(public.values_list("code", flat=True)) == ["СК"]
    assert set(
        Document.objects.exclude(code="СК").values_list("access", flat=True)
    ) == {Access.STAFF}


def test_documents_fixture_search_text_follows_the_model_rule(loaded):
    for document in Document.objects.prefetch_related("revisions"):
        body = document.revisions.all()[0].body
        assert document.search_text == document.build_search_text(body)
    assert "дж01" in Document.objects.get(code="ДЖ-01").search_text


def test_documents_fixture_has_reviews_due_in_december_2026(loaded):
    december = Document.objects.filter(
        next_review__year=2026, next_review__month=12
    ).values_list("code", flat=True)

    assert len(december) >= 2
    assert set(
        Document.objects.filter(doc_type__in=["procedure", "process"]).values_list(
            "next_review__year", flat=True
        )
    ) == {2026, 2027}
