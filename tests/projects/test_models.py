import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError

from projects.models import (
    DECISION_TRANSITIONS,
    ITEM_TRANSITIONS,
    PROJECT_TRANSITIONS,
    STAGE_ORDER,
    STAGE_TRANSITIONS,
    ClientDocument,
    DecisionStatus,
    ItemStatus,
    ProjectStatus,
    StageStatus,
    WorkPlan,
)


def test_project_moves_one_stage_at_a_time():
    for current, following in itertools.pairwise(STAGE_ORDER):
        assert PROJECT_TRANSITIONS[current] == {following, ProjectStatus.CANCELLED}
    assert PROJECT_TRANSITIONS["close"] == {"closed", "cancelled"}
    assert PROJECT_TRANSITIONS["closed"] == frozenset()


def test_stage_decision_and_item_tables():
    assert STAGE_TRANSITIONS[StageStatus.PLANNED] == {StageStatus.ACTIVE}
    assert STAGE_TRANSITIONS[StageStatus.DONE] == frozenset()
    assert DecisionStatus.DONE in DECISION_TRANSITIONS[DecisionStatus.OPEN]
    assert ITEM_TRANSITIONS[ItemStatus.DONE] == frozenset()


@pytest.mark.django_db
def test_return_before_receipt_is_invalid(project):
    document = ClientDocument(
        project=project,
        title="Устав",
        medium="paper",
        received_on=datetime.date(2026, 2, 10),
        returned_on=datetime.date(2026, 2, 1),
        received_from="ректорат",
        location="шкаф",
        custodian=project.project_manager,
        recorded_by=project.project_manager,
    )
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "returned_on" in error.value.message_dict


@pytest.mark.django_db
def test_plan_period_rules(director):
    plan = WorkPlan(kind="monthly", year=2026, period=13, created_by=director)
    with pytest.raises(ValidationError):
        plan.full_clean()
    plan = WorkPlan(kind="yearly", year=2026, period=3, created_by=director)
    with pytest.raises(ValidationError):
        plan.full_clean()
