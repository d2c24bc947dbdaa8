"""fixtures/suppliers.json: demo suppliers, criteria, the 2026 list, purchases."""

import pytest
from django.core.management import call_command

from sapat.management.commands.seed_demo import FIXTURES
from suppliers import selectors, services
from suppliers.models import (
    NO_EVALUATION,
    Category,
    Criterion,
    ListEntry,
    Purchase,
    Supplier,
    SupplierCategory,
    SupplierList,
)


@pytest.fixture
def loaded(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def test_seed_demo_loads_the_suppliers_fixture_after_personnel():
    assert FIXTURES.index("fixtures/suppliers.json") > FIXTURES.index(
        "fixtures/personnel.json"
    )


def test_every_category_has_suppliers_and_criteria_add_up_to_100(loaded):
    served = set(SupplierCategory.objects.values_list("category", flat=True))
    assert served == set(Category.values)
    for category in Category.values:
        weights = Criterion.objects.filter(category=category, active=True)
        total = sum(weights.values_list("weight", flat=True))
        assert total == (0 if category in NO_EVALUATION else 100), category


def test_demo_rows_pass_their_model_checks(loaded):
    for model in (Supplier, Criterion, ListEntry, Purchase):
        for obj in model.objects.all():
            obj.full_clean()


def test_demo_trainers_meet_the_requirements_and_are_on_the_list(loaded):
    trainers = list(selectors.trainers_in_force())
    assert len(trainers) == 2
    for trainer in trainers:
        assert trainer.expert is not None
        assert services.trainer_qualification_problems(trainer) == []


def test_demo_list_is_a_compiled_draft_ready_for_approval(loaded):
    supplier_list = SupplierList.objects.get(year=2026)
    assert supplier_list.approval_status == "draft"
    assert services.supplier_list_problems(supplier_list) == []
    assert selectors.pending_count(2027) == 2
