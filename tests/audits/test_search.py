"""audits.search: internal audits in the global search, by title and by
their number (ИА-2026-03), which is shown but not stored."""

from __future__ import annotations

import pytest

from audits.search import search_audits
from sapat.search import DEFAULT_LIMIT
from tests.audits.factories import YEAR, AuditFactory

pytestmark = pytest.mark.django_db


def _urls(user, query) -> list[str]:
    count, hits = search_audits(user, query, DEFAULT_LIMIT)
    assert count == len(hits)
    return [hit.url for hit in hits]


def test_an_audit_is_found_by_its_number_in_any_shape(make_user):
    user = make_user("quality_manager")
    audit = AuditFactory(seq=3, title="Окутуу процесси")
    AuditFactory(seq=4, title="Окутуу процесси")
    for query in (audit.code, audit.code.lower(), f"{YEAR}-03", f"ИА {YEAR}/3", "03"):
        assert _urls(user, query) == [audit.get_absolute_url()], query
    assert _urls(user, f"NC-{YEAR}-03") == []


def test_an_audit_is_found_by_a_word_of_its_title_in_another_case(make_user):
    user = make_user("quality_manager")
    audit = AuditFactory(title="Окутуу процесси")
    assert _urls(user, "ПРОЦЕССИ") == [audit.get_absolute_url()]
