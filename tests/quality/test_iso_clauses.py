"""The ISO 9001 clauses loaded by migration quality 0002."""

from collections import Counter

import pytest

from sapat.quality.models import IsoClause

pytestmark = pytest.mark.django_db

COUNT_2008 = 67
COUNT_2015 = 73


def clause(edition: str, number: str) -> IsoClause:
    return IsoClause.objects.get(edition=edition, number=number)


def test_both_editions_are_loaded_with_their_counts():
    counts = Counter(IsoClause.objects.values_list("edition", flat=True))
    assert counts == {"2008": COUNT_2008, "2015": COUNT_2015}


@pytest.mark.parametrize(
    ("edition", "number", "title"),
    [
        ("2008", "4.2.3", "Control of documents"),
        ("2008", "8.5.3", "Preventive action"),
        ("2008", "7.6", "Control of monitoring and measuring equipment"),
        ("2015", "7.5.3", "Control of documented information"),
        ("2015", "10.2", "Nonconformity and corrective action"),
        ("2015", "7.1.6", "Organizational knowledge"),
    ],
)
def test_known_clauses_are_present(edition, number, title):
    assert clause(edition, number).title == title


def test_every_clause_has_three_distinct_titles():
    for iso_clause in IsoClause.objects.all():
        assert iso_clause.title and iso_clause.title_ky and iso_clause.title_ru
        assert iso_clause.title_ky != iso_clause.title, iso_clause.number
        assert iso_clause.title_ru != iso_clause.title, iso_clause.number


def test_numbers_are_unique_per_edition():
    for edition in ("2008", "2015"):
        numbers = list(
            IsoClause.objects.filter(edition=edition).values_list("number", flat=True)
        )
        assert len(numbers) == len(set(numbers))


def test_sort_key_orders_10_after_9():
    numbers = list(
        IsoClause.objects.filter(edition="2015").values_list("number", flat=True)
    )
    assert numbers.index("10") > numbers.index("9.3.3")
    assert numbers[:2] == ["4", "4.1"]


def test_equivalence_is_symmetrical():
    old, new = clause("2008", "4.2.3"), clause("2015", "7.5.3")
    assert new in old.equivalents.all()
    assert old in new.equivalents.all()


@pytest.mark.parametrize(
    ("number_2008", "number_2015"),
    [
        ("4.2.4", "7.5.2"),
        ("5.3", "5.2"),
        ("5.4.1", "6.2"),
        ("5.6", "9.3"),
        ("7.4", "8.4"),
        ("7.5.4", "8.5.3"),
        ("8.2.1", "9.1.2"),
        ("8.2.2", "9.2"),
        ("8.3", "8.7"),
        ("8.3", "10.2"),
        ("8.5.2", "10.2"),
        ("8.5.3", "6.1"),
    ],
)
def test_correlation_matrix_pairs(number_2008, number_2015):
    assert (
        clause("2008", number_2008)
        .equivalents.filter(edition="2015", number=number_2015)
        .exists()
    )


def test_equivalents_always_belong_to_the_other_edition():
    for iso_clause in IsoClause.objects.prefetch_related("equivalents"):
        assert all(
            e.edition != iso_clause.edition for e in iso_clause.equivalents.all()
        )


def test_every_second_level_2008_clause_has_an_equivalent():
    second_level = [
        c for c in IsoClause.objects.filter(edition="2008") if c.number.count(".") == 1
    ]
    assert len(second_level) == 23
    for iso_clause in second_level:
        assert iso_clause.equivalents.exists(), iso_clause.number
