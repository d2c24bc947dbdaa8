from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import get_perms

from sapat.notify.models import Notification
from sapat.quality import services
from sapat.quality.models import Indicator, QualityPolicy
from sapat.signing.models import ApprovalStatus
from tests.quality.factories import ConceptFactory, IndicatorFactory, PolicyFactory

pytestmark = pytest.mark.django_db


def test_the_quality_manager_drafts_a_policy_with_history(make_user):
    manager = make_user("quality_manager")
    policy = services.policy_create(
        actor=manager, year=2027, title="Саясат", text="Текст"
    )
    assert policy.approval_status == ApprovalStatus.DRAFT
    assert policy.history.latest().history_user == manager


def test_staff_cannot_draft_a_policy(staff):
    with pytest.raises(PermissionDenied):
        services.policy_create(actor=staff, year=2027, title="X", text="Y")
    assert not QualityPolicy.objects.exists()


def test_one_policy_per_year(make_user):
    manager = make_user("quality_manager")
    services.policy_create(actor=manager, year=2027, title="A", text="A")
    with pytest.raises(ValidationError) as error:
        services.policy_create(actor=manager, year=2027, title="B", text="B")
    assert "year" in error.value.message_dict


def test_a_draft_sent_for_approval_is_frozen(make_user, organisation):
    from sapat.signing.services import route_start

    manager = make_user("quality_manager")
    policy = PolicyFactory()
    route_start(obj=policy, actor=manager)
    with pytest.raises(ValidationError) as error:
        services.draft_update(obj=policy, actor=manager, text="Changed")
    assert error.value.code == "not_draft"


def test_the_concept_is_granted_to_top_management_only(make_user):
    founder = make_user("founder")
    concept = services.concept_create(
        actor=founder, title="Концепция", period_start=2026, period_end=2030, text="…"
    )
    assert founder.has_perm("quality.view_developmentconcept", concept)
    assert make_user("deputy_director").has_perm(
        "quality.view_developmentconcept", concept
    )
    assert not make_user("quality_manager").has_perm(
        "quality.view_developmentconcept", concept
    )
    assert not make_user("staff").has_perm("quality.view_developmentconcept", concept)


def test_a_concept_period_must_not_end_before_it_starts(make_user):
    with pytest.raises(ValidationError):
        services.concept_create(
            actor=make_user("founder"),
            title="X",
            period_start=2030,
            period_end=2026,
            text="…",
        )


def test_corporate_objectives_are_restricted_and_service_ones_are_not(make_user):
    director = make_user("director")
    corporate = services.objective_create(
        actor=director,
        level="corporate",
        service="",
        year=2027,
        title="A",
        owner=director,
    )
    service = services.objective_create(
        actor=director,
        level="service",
        service="training",
        year=2027,
        title="B",
        owner=director,
    )
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Top management")
    assert "view_objective" in get_perms(group, corporate)
    assert get_perms(group, service) == []


def test_a_service_objective_must_name_its_service(make_user):
    director = make_user("director")
    with pytest.raises(ValidationError) as error:
        services.objective_create(
            actor=director,
            level="service",
            service="",
            year=2027,
            title="B",
            owner=director,
        )
    assert "service" in error.value.message_dict


@pytest.mark.parametrize(
    ("direction", "value", "status"),
    [
        ("higher", "95", "green"),
        ("higher", "90", "green"),
        ("higher", "85", "amber"),
        ("higher", "70", "red"),
        ("lower", "85", "green"),
        ("lower", "95", "amber"),
        ("lower", "120", "red"),
    ],
)
def test_indicator_status_green_amber_red(direction, value, status):
    indicator = Indicator(
        target=Decimal("90"), direction=direction, amber_margin=Decimal("10")
    )
    assert indicator.status_of(Decimal(value)) == status


def test_a_measurement_below_target_turns_red_and_notifies_the_owner_once(make_user):
    owner = make_user("staff")
    indicator = IndicatorFactory(owner=owner, target=Decimal("90"))
    manager = make_user("quality_manager")
    measurement = services.measurement_record(
        actor=manager, indicator=indicator, period=date(2026, 1, 1), value=Decimal("60")
    )
    assert measurement.status == "red"
    notes = Notification.objects.filter(recipient=owner, event="quality.target_missed")
    assert notes.count() == 1
    # The same period cannot be measured twice: no second notification either.
    with pytest.raises(ValidationError) as error:
        services.measurement_record(
            actor=manager,
            indicator=indicator,
            period=date(2026, 1, 1),
            value=Decimal("50"),
        )
    assert "period" in error.value.message_dict
    assert notes.count() == 1


def test_a_measurement_on_target_notifies_nobody(make_user):
    indicator = IndicatorFactory(target=Decimal("90"))
    services.measurement_record(
        actor=indicator.owner,
        indicator=indicator,
        period=date(2026, 1, 1),
        value=Decimal("91"),
    )
    assert not Notification.objects.filter(event="quality.target_missed").exists()


def test_only_the_owner_or_the_quality_manager_records(make_user):
    indicator = IndicatorFactory()
    with pytest.raises(PermissionDenied):
        services.measurement_record(
            actor=make_user("staff"),
            indicator=indicator,
            period=date(2026, 1, 1),
            value=Decimal("1"),
        )


def test_concept_reminders_go_to_top_management_once_a_day(make_user):
    founder, staff = make_user("founder"), make_user("staff")
    assert services.concept_review_remind(today=date(2026, 12, 1)) >= 1
    assert services.concept_review_remind(today=date(2026, 12, 1)) == 0
    assert (
        Notification.objects.filter(
            recipient=founder, event="quality.concept_review_due"
        ).count()
        == 1
    )
    assert not Notification.objects.filter(recipient=staff).exists()
    assert services.concept_review_remind(today=date(2027, 1, 10)) >= 1


def test_no_reminder_once_the_concept_is_approved_in_the_window(make_user):
    from django.utils import timezone

    make_user("founder")
    ConceptFactory(
        approval_status=ApprovalStatus.APPROVED,
        approved_at=timezone.make_aware(timezone.datetime(2026, 12, 20, 10)),
    )
    assert services.concept_review_remind(today=date(2027, 1, 10)) == 0
