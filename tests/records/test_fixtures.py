"""fixtures/records.json: the demo nomenclature of files for 2026 and records."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command

from documents.models import Document
from records.models import Nomenclature, NomenclatureItem, Record, Section
from sapat.signing.models import ApprovalStatus

FIXTURES = [
    "fixtures/demo.json",
    "fixtures/quality.json",
    "fixtures/records.json",
    "fixtures/documents.json",
]
#: The day the demo data was written: the records past their retention by then.
WRITTEN_ON = datetime.date(2026, 11, 27)


@pytest.fixture
def loaded(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def test_records_fixture_loads_a_draft_nomenclature_for_2026(loaded):
    nomenclature = Nomenclature.objects.get()

    assert nomenclature.year == 2026
    assert nomenclature.approval_status == ApprovalStatus.DRAFT
    assert 25 <= nomenclature.items.count() <= 40
    units = set(Section.objects.values_list("unit", flat=True))
    assert {2, 3, 4, 5, 6, 7} <= units


def test_every_demo_document_has_a_nomenclature_item(loaded):
    items = dict(Document.objects.values_list("code", "nomenclature_item__index"))

    assert None not in items.values()
    assert items["СК"] == "05-01"
    assert items["Б-2026-01"] == "01-02"
    for code, index in items.items():
        if code.startswith(("ДЖ-", "ПК-", "РИ-")):
            assert index == "05-02", code
    documents_item = Document.objects.get(code="ИН-01").nomenclature_item
    assert documents_item.title == "Иштердин номенклатурасы"


def test_item_indexes_are_unique_per_year_and_start_with_their_section(loaded):
    indexes = Counter(NomenclatureItem.objects.values_list("nomenclature", "index"))

    assert [key for key, count in indexes.items() if count > 1] == []
    for item in NomenclatureItem.objects.select_related("section"):
        assert item.index.startswith(item.section.code + "-"), item.index


def test_demo_items_and_records_pass_their_model_checks(loaded):
    kinds = dict(
        NomenclatureItem.objects.exclude(record_kind="").values_list(
            "record_kind", "index"
        )
    )

    for obj in [*NomenclatureItem.objects.all(), *Record.objects.all()]:
        obj.full_clean()
    assert kinds["documents.documentrevision"] == "05-03"
    assert kinds["audits.auditreport"] == "05-04"
    assert kinds["records.disposalact"] == "05-09"


def test_demo_records_keep_until_follows_their_item(loaded):
    records = list(Record.objects.select_related("item"))

    assert 6 <= len(records) <= 10
    for record in records:
        assert record.keep_until == record.item.keep_until(record.date), record
    past = [r for r in records if r.keep_until and r.keep_until < WRITTEN_ON]
    assert 1 <= len(past) <= 2
