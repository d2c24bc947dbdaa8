"""fixtures/audits.json: the demo audit programme, audits, a review, criteria."""

import pytest
from django.core.management import call_command

from audits.models import Audit, AuditProgramme, Criterion, ManagementReview
from sapat.management.commands.seed_demo import FIXTURES


@pytest.fixture
def loaded(db):
    call_command(
        "loaddata",
        "fixtures/demo.json",
        "fixtures/quality.json",
        "fixtures/audits.json",
        verbosity=0,
    )


def test_seed_demo_loads_audits_after_the_others():
    assert "fixtures/audits.json" in FIXTURES
    assert FIXTURES.index("fixtures/audits.json") > FIXTURES.index(
        "fixtures/quality.json"
    )


def test_audits_fixture(loaded):
    programme = AuditProgramme.objects.get()
    assert programme.year == 2026
    audits = list(Audit.objects.order_by("seq"))
    assert [a.code for a in audits] == ["ИА-2026-01", "ИА-2026-02"]
    for audit in audits:
        assert audit.start_date.year == programme.year
        assert audit.checklist.exists()
        # Independence: the lead auditor is not of an audited unit.
        assert audit.lead_auditor.unit_id not in set(
            audit.units.values_list("pk", flat=True)
        )
    review = ManagementReview.objects.get()
    assert review.decisions.count() == 2
    assert Criterion.objects.filter(active=True).count() >= 5
