"""capa.search: nonconformities and actions in the global search, by text
and by their numbers, which are shown but not stored."""

from __future__ import annotations

import pytest
from django.utils import translation

from capa.models import ActionKind
from capa.search import search_actions, search_nonconformities
from sapat.search import DEFAULT_LIMIT
from tests.capa.factories import ActionFactory, NonconformityFactory

pytestmark = pytest.mark.django_db

YEAR = 2026


def _urls(provider, user, query) -> list[str]:
    count, hits = provider(user, query, DEFAULT_LIMIT)
    assert count == len(hits)
    return [hit.url for hit in hits]


@pytest.fixture
def manager(make_user):
    return make_user("quality_manager")


def test_a_nonconformity_is_found_by_its_number_in_any_shape(manager):
    nc = NonconformityFactory(year=YEAR, seq=3, description="Кечикти")
    NonconformityFactory(year=YEAR, seq=4, description="Кечикти")
    NonconformityFactory(year=YEAR - 1, seq=3, description="Кечикти")
    with translation.override("ky"):
        kyrgyz = nc.code
    queries = [
        f"NC-{YEAR}-003",
        f"nc-{YEAR}-003",
        f"NC {YEAR}/3",
        kyrgyz,
        kyrgyz.lower(),
        f"{YEAR}-003",
    ]
    for query in queries:
        assert _urls(search_nonconformities, manager, query) == [
            nc.get_absolute_url()
        ], query


def test_a_sequence_alone_finds_every_year_newest_first(manager):
    old = NonconformityFactory(year=YEAR - 1, seq=7, description="Кечикти")
    new = NonconformityFactory(year=YEAR, seq=7, description="Кечикти")
    NonconformityFactory(year=YEAR, seq=8, description="Кечикти")
    assert _urls(search_nonconformities, manager, "007") == [
        new.get_absolute_url(),
        old.get_absolute_url(),
    ]


def test_a_number_ranks_above_a_text_holding_it(manager):
    NonconformityFactory(year=YEAR, seq=9, description="Акт 2026-005 кечикти")
    nc = NonconformityFactory(year=YEAR, seq=5, description="Кечикти")
    assert _urls(search_nonconformities, manager, "2026-005")[0] == (
        nc.get_absolute_url()
    )


def test_another_kinds_prefix_finds_no_nonconformity(manager):
    NonconformityFactory(year=YEAR, seq=3, description="Кечикти")
    assert _urls(search_nonconformities, manager, f"CA-{YEAR}-003") == []
    assert _urls(search_nonconformities, manager, f"ИА-{YEAR}-003") == []


def test_an_action_is_found_by_the_prefix_of_its_kind(manager):
    corrective = ActionFactory(
        year=YEAR, seq=1, kind=ActionKind.CORRECTIVE, title="Жол-жобону өзгөртүү"
    )
    improvement = ActionFactory(
        year=YEAR, seq=2, kind=ActionKind.IMPROVEMENT, title="Жакшыртуу"
    )
    assert _urls(search_actions, manager, corrective.code) == [
        corrective.get_absolute_url()
    ]
    assert _urls(search_actions, manager, improvement.code.lower()) == [
        improvement.get_absolute_url()
    ]
    # The number with another kind's prefix is no number of this action.
    assert _urls(search_actions, manager, f"PA-{YEAR}-001") == []
    assert _urls(search_actions, manager, f"{YEAR}-002") == [
        improvement.get_absolute_url()
    ]


def test_a_number_does_not_reveal_anothers_nonconformity(make_user):
    reporter = make_user()
    own = NonconformityFactory(
        year=YEAR, seq=11, description="Кечикти", detected_by=reporter
    )
    NonconformityFactory(year=YEAR, seq=12, description="Кечикти")
    assert _urls(search_nonconformities, reporter, f"NC-{YEAR}-012") == []
    assert search_nonconformities(reporter, "012", DEFAULT_LIMIT) == (0, [])
    assert _urls(search_nonconformities, reporter, "кечикти") == [
        own.get_absolute_url()
    ]


def test_a_typo_does_not_reveal_anothers_nonconformity(make_user):
    reporter = make_user()
    NonconformityFactory(description="Аккредитациялык кеңеш кечикти")
    assert search_nonconformities(reporter, "аккредитацыялык", DEFAULT_LIMIT) == (
        0,
        [],
    )
    assert search_nonconformities(reporter, "кеңештер", DEFAULT_LIMIT) == (0, [])
