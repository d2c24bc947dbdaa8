"""The search promises of the register, on the demo data of `make run`."""

import pytest
from django.core.management import call_command

from documents.models import Document
from documents.search import search_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command(
        "loaddata",
        "fixtures/demo.json",
        "fixtures/quality.json",
        "fixtures/records.json",
        "fixtures/documents.json",
        verbosity=0,
    )


def _titles(q: str) -> set[str]:
    return set(
        search_documents(Document.objects.all(), q).values_list("title", flat=True)
    )


def _codes(q: str) -> set[str]:
    return set(
        search_documents(Document.objects.all(), q).values_list("code", flat=True)
    )


def test_a_word_finds_every_title_that_has_it(demo):
    found = _titles("башкаруу")
    assert {"Документтерди башкаруу", "Сапаты боюнча жазууларды башкаруу"} <= found


def test_capitals_find_lowercase_titles(demo):
    assert "ДЖ-01" in _codes("ДОКУМЕНТ")


def test_a_prefix_finds_the_whole_word(demo):
    assert "Иштердин номенклатурасы" in _titles("номенклатур")


@pytest.mark.parametrize("q", ["дж-01", "ДЖ 01", "ДЖ-01", "дж01"])
def test_codes_are_found_however_they_are_typed(demo, q):
    assert "ДЖ-01" in _codes(q)


def test_a_typo_still_finds_the_document(demo):
    assert "ДЖ-01" in _codes("документерди")
