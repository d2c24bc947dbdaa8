"""sapat.search.matching and number_condition, on SQLite and PostgreSQL.

Suppliers stand in for any model: every provider calls the same helper.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q

from sapat.search import matching, number_condition
from suppliers.models import Supplier
from suppliers.search import SUPPLIER_FIELDS
from tests.suppliers.factories import SupplierFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full text and pg_trgm are PostgreSQL's"
)
on_sqlite = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the fallback is SQLite's"
)


def names(query: str, **kwargs) -> list[str]:
    found = matching(Supplier.objects.all(), query, SUPPLIER_FIELDS, **kwargs)
    return list(found.values_list("name", flat=True))


def test_every_word_in_any_field_whatever_the_case():
    SupplierFactory(name="Билим берүү борбору", contact_person="Асанова Айгүл")
    SupplierFactory(name="Басма үйү", contact_person="Бекова Нургүл")
    assert names("БИЛИМ асанова") == ["Билим берүү борбору"]
    assert names("билим бекова") == []


def test_the_exact_title_comes_first():
    SupplierFactory(name="Эксперт")
    SupplierFactory(name="Абдыкадыров эксперт")
    SupplierFactory(name="Алтын эксперт бюросу")
    # The suppliers' own order (by name) would put it last.
    assert names("эксперт", order=("name",))[0] == "Эксперт"
    assert names("ЭКСПЕРТ", order=("name",))[0] == "Эксперт"


def test_the_providers_own_condition_is_enough_and_comes_first():
    SupplierFactory(name="Алтын эксперт", tax_id="01234567890123")
    target = SupplierFactory(name="Басма үйү", tax_id="99999999999999")
    found = names("эксперт", also=Q(pk=target.pk), order=("name",))
    assert found == ["Басма үйү", "Алтын эксперт"]


@on_postgresql
def test_a_mistyped_letter_is_forgiven_on_postgresql():
    SupplierFactory(name="Аккредитациялык агенттик")
    SupplierFactory(name="Басма үйү")
    # One letter wrong, in the middle and at the start.
    assert names("аккредитацыялык") == ["Аккредитациялык агенттик"]
    assert names("Оккредитациялык") == ["Аккредитациялык агенттик"]
    # A word of four letters is not: too many words are near it.
    assert names("басо") == []


@on_postgresql
def test_the_closest_title_comes_first_on_postgresql():
    SupplierFactory(name="Борбор", contact_person="Мониторинг бөлүмү")
    SupplierFactory(name="Мониторинг борбору")
    # By name "Борбор" would come first; the typo is nearer the other title.
    assert names("мониторинк", order=("name",)) == ["Мониторинг борбору", "Борбор"]


@on_postgresql
def test_full_text_finds_another_form_of_a_russian_word_on_postgresql():
    SupplierFactory(name="Центр оценки", contact_person="Акты сверки")
    # "акта" is neither in "акты" nor long enough for the trigrams; the
    # russian stemmer makes both "акт".
    assert names("акта") == ["Центр оценки"]
    assert names("оценка") == ["Центр оценки"]


@on_sqlite
def test_sqlite_keeps_to_substrings():
    SupplierFactory(name="Аккредитациялык агенттик")
    assert names("аккредитацыялык") == []
    assert names("редитац") == ["Аккредитациялык агенттик"]


@pytest.mark.parametrize(
    "query", ["акт:*", "акт & сверки", "!акты", "(акты)", "акты | x", "a\\b", "%", "_"]
)
def test_tsquery_and_like_operators_are_plain_text(query):
    SupplierFactory(name="Центр оценки", contact_person="Акты сверки")
    SupplierFactory(name="Центр 100", contact_person="x")
    assert names(query) == []


NC = {"nc": Q(), "шк": Q()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("NC-2026-003", Q(seq=3, year=2026)),
        ("шк-2026-003", Q(seq=3, year=2026)),
        ("nc 2026/3", Q(seq=3, year=2026)),
        ("2026-003", Q(seq=3, year=2026)),
        ("2026 003", Q(seq=3, year=2026)),
        ("003", Q(seq=3)),
        ("NC-003", Q(seq=3)),
    ],
)
def test_a_number_is_read_into_year_and_sequence(query, expected):
    assert number_condition(query, NC) == expected


@pytest.mark.parametrize(
    "query", ["CA-2026-003", "NC-2026-", "NC", "аудит 3", "2026-003-1", "12345", ""]
)
def test_what_is_no_number_of_these_objects(query):
    assert number_condition(query, NC) is None


def test_a_prefix_may_tell_the_kind():
    prefixes = {"ca": Q(kind="corrective"), "c": Q(kind="correction")}
    expected = Q(seq=1) & Q(year=2026) & Q(kind="corrective")
    assert number_condition("CA-2026-001", prefixes) == expected


SEARCHED = {
    "audits_audit": ["title"],
    "capa_nonconformity": ["description"],
    "capa_action": ["title", "description"],
    "projects_project": ["title", "code"],
    "projects_clientdocument": ["title", "received_from", "location"],
    "records_record": ["title"],
    "satisfaction_feedback": ["text", "organisation", "name"],
    "suppliers_supplier": ["name", "tax_id", "contact_person"],
    "training_seminar": ["title", "venue"],
}


def _index_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {name for (name,) in cursor.fetchall()}


@on_postgresql
def test_migrations_index_every_searched_field_on_postgresql():
    names = _index_names()
    for table, fields in SEARCHED.items():
        assert f"{table}_fts" in names, table
        for field in fields:
            assert f"{table}_{field}_trgm" in names, (table, field)
    assert "documents_document_fts" in names


@on_sqlite
def test_migrations_make_no_search_index_on_sqlite():
    names = _index_names()
    assert not {name for name in names if name.endswith(("_fts", "_trgm"))}
