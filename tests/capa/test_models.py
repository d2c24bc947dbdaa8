"""capa.models: constraints in the database, clean() messages, numbers."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from capa.models import (
    ACTION_TRANSITIONS,
    NONCONFORMITY_TRANSITIONS,
    Action,
    ActionKind,
    ActionStatus,
    ActionTask,
    Nonconformity,
    NonconformityStatus,
)
from tests.accounts.factories import UserFactory
from tests.capa.factories import (
    ActionFactory,
    ActionTaskFactory,
    CapaPlanFactory,
    NonconformityFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def built_action(**fields) -> Action:
    """An unsaved action (the checker's roles need a saved user)."""
    fields.setdefault("checker", UserFactory.build())
    return ActionFactory.build(**fields)


def messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- Constraints --------------------------------------------------------------


def test_a_rejected_nonconformity_without_a_reason_is_refused_by_the_database():
    nc = NonconformityFactory()
    nc.status = NonconformityStatus.REJECTED
    refused_by_database(nc.save)

    nc.closing_reason = "Талап бузулган жок"
    nc.save()
    assert Nonconformity.objects.get().status == NonconformityStatus.REJECTED


def test_a_contained_nonconformity_without_a_containment_is_refused_by_the_database():
    refused_by_database(
        lambda: NonconformityFactory(status=NonconformityStatus.CONTAINED)
    )
    assert NonconformityFactory(contained=True).containment


def test_two_nonconformities_cannot_share_a_number():
    nc = NonconformityFactory()
    other = NonconformityFactory.build(year=nc.year, seq=nc.seq)
    other.detected_by = other.created_by = nc.detected_by
    refused_by_database(other.save)


def test_a_closed_action_checked_by_its_owner_is_refused_by_the_database():
    action = ActionFactory(effective=True)
    action.checked_by = action.owner
    refused_by_database(action.save)


def test_a_closed_action_checked_by_nobody_is_refused_by_the_database():
    action = ActionFactory(check=True)
    action.status = ActionStatus.NOT_EFFECTIVE
    refused_by_database(action.save)


def test_an_action_due_before_it_was_opened_is_refused_by_the_database():
    today = timezone.localdate()
    refused_by_database(
        lambda: ActionFactory(opened_on=today, due_date=today - timedelta(days=1))
    )


def test_an_effectiveness_check_before_the_deadline_is_refused_by_the_database():
    today = timezone.localdate()
    refused_by_database(
        lambda: ActionFactory(
            due_date=today + timedelta(days=10), check_due=today + timedelta(days=9)
        )
    )


# --- clean() ----------------------------------------------------------------


def test_a_nonconformity_detected_in_the_future_is_refused():
    nc = NonconformityFactory.build(
        detected_on=timezone.localdate() + timedelta(days=1)
    )
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            nc.clean()
        assert messages(error.value) == {
            "detected_on": ["The date cannot be in the future."]
        }


def test_a_corrective_action_needs_its_root_cause_and_category():
    action = built_action(root_cause="  ", cause_category="")
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            action.clean()
        assert messages(error.value) == {
            "root_cause": [
                "A corrective action removes a cause: state the root cause."
            ],
            "cause_category": ["Choose the cause category."],
        }


def test_a_preventive_action_needs_the_potential_problem_its_cause_and_trigger():
    action = built_action(
        kind=ActionKind.PREVENTIVE, root_cause="", potential_problem="", trigger=""
    )
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            action.clean()
        assert messages(error.value) == {
            "potential_problem": [
                "Describe the potential nonconformity the action prevents."
            ],
            "root_cause": ["State its potential cause."],
            "trigger": ["Say what the preventive action comes from."],
        }


def test_a_correction_and_an_improvement_need_no_cause_analysis():
    for kind in (ActionKind.CORRECTION, ActionKind.IMPROVEMENT):
        built_action(kind=kind, root_cause="", cause_category="").clean()


def test_action_dates_and_checker_are_checked():
    owner = UserFactory()
    action = built_action(
        opened_on=date(2026, 3, 10),
        due_date=date(2026, 3, 9),
        check_due=date(2026, 3, 1),
        owner=owner,
        checker=owner,
    )
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            action.clean()
        assert messages(error.value) == {
            "due_date": ["The deadline cannot be before the action was opened."],
            "check_due": [
                "The effectiveness check comes after the implementation deadline."
            ],
            "checker": ["The owner of an action cannot check its effectiveness."],
        }


def test_a_task_due_before_the_action_was_opened_is_refused():
    action = ActionFactory(opened_on=date(2026, 3, 10), due_date=date(2026, 4, 1))
    task = ActionTaskFactory.build(
        action=action, owner=action.owner, due_date=date(2026, 3, 9)
    )
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            task.clean()
        assert messages(error.value) == {
            "due_date": [
                "A task cannot be due before the action was opened (10.03.2026)."
            ]
        }
    task.due_date = date(2026, 3, 10)
    task.clean()


# --- Numbers and properties --------------------------------------------------


def test_numbers_carry_a_prefix_the_year_and_three_digits():
    with translation.override("en"):
        assert NonconformityFactory(year=2026, seq=7).code == "NC-2026-007"
        assert ActionFactory(year=2026, seq=12).code == "CA-2026-012"
        prefixes = {
            ActionKind.CORRECTION: "C",
            ActionKind.PREVENTIVE: "PA",
            ActionKind.IMPROVEMENT: "IA",
        }
        for kind, prefix in prefixes.items():
            action = built_action(kind=kind, year=2027, seq=1234)
            assert action.code == f"{prefix}-2027-1234"


def test_each_kind_of_action_names_its_procedure():
    codes = {kind: built_action(kind=kind).document_code for kind in ActionKind}
    assert codes == {
        ActionKind.CORRECTION: "ДЖ-03",
        ActionKind.CORRECTIVE: "ДЖ-04",
        ActionKind.PREVENTIVE: "ДЖ-05",
        ActionKind.IMPROVEMENT: "ДЖ-04",
    }
    assert Nonconformity.document_code == "ДЖ-03"


def test_factory_numbers_never_clash_with_those_taken():
    first = NonconformityFactory()
    second = NonconformityFactory(year=first.year, seq=first.seq)
    assert second.seq == first.seq + 1


def test_an_action_is_overdue_only_before_it_is_implemented():
    action = built_action(opened_on=date(2026, 3, 1), due_date=date(2026, 3, 10))
    assert not action.is_overdue(today=date(2026, 3, 10))
    assert action.is_overdue(today=date(2026, 3, 11))
    action.status = ActionStatus.IN_PROGRESS
    assert action.is_overdue(today=date(2026, 3, 11))
    action.status = ActionStatus.IMPLEMENTED
    assert not action.is_overdue(today=date(2026, 3, 11))


def test_whys_skip_the_empty_answers():
    action = built_action(why_1="a", why_2="", why_3="c")
    assert action.whys == ["a", "c"]


def test_the_lifecycles_have_no_way_around_the_check():
    for status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS):
        assert ActionStatus.EFFECTIVE not in ACTION_TRANSITIONS[status]
    assert ACTION_TRANSITIONS[ActionStatus.IMPLEMENTED] == {ActionStatus.CHECK}
    assert not NONCONFORMITY_TRANSITIONS[NonconformityStatus.CLOSED]
    assert not NONCONFORMITY_TRANSITIONS[NonconformityStatus.REJECTED]


# --- The plan ---------------------------------------------------------------


def test_a_plan_without_actions_cannot_be_sent_for_approval():
    plan = CapaPlanFactory()
    with translation.override("en"):
        assert plan.approval_problems() == ["The plan has no actions."]
    plan.actions.add(ActionFactory())
    assert plan.approval_problems() == []


def test_the_rows_of_a_plan_are_signed_with_it():
    action = ActionFactory()
    plan = CapaPlanFactory(actions=[action])
    before = plan.content_hash()
    assert plan.signed_content()["rows"] == [
        [
            action.pk,
            action.kind,
            action.title,
            action.owner_id,
            action.due_date.isoformat(),
            action.status,
        ]
    ]
    Action.objects.filter(pk=action.pk).update(due_date=action.due_date + timedelta(1))
    assert plan.content_hash() != before


def test_factories_build_their_own_related_rows():
    task = ActionTaskFactory()
    assert task.owner != task.action.owner != task.action.checker
    [nc] = task.action.nonconformities.all()
    assert nc.status == NonconformityStatus.PLANNED
    assert ActionTask.objects.count() == 1
