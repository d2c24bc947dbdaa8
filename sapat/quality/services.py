"""Every change to the policy, concept, objectives, process cards and KPIs.

Agreement and approval go through :mod:`sapat.signing.services`; these
services create and edit drafts, grant the object permissions the manual asks
for, and record measurements.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from sapat.access import can, perm_name
from sapat.accounts.models import User
from sapat.accounts.roles import ROLES_BY_KEY, TOP_MANAGEMENT
from sapat.history import attribute
from sapat.notify.services import notify
from sapat.signing.models import Approvable, ApprovalStatus

from .models import (
    DevelopmentConcept,
    Indicator,
    Measurement,
    Objective,
    ProcessCard,
    QualityPolicy,
)


def _top_management() -> Group:
    return Group.objects.get(name=ROLES_BY_KEY[TOP_MANAGEMENT].group_name)


def _grant_top_management(obj: models.Model) -> None:
    group = _top_management()
    for action in ("view", "change"):
        assign_perm(perm_name(type(obj), action), group, obj)


def _create(model, *, actor: User, m2m: dict | None = None, **fields):
    if not actor.has_perm(perm_name(model, "add")):
        raise PermissionDenied
    obj = model(**fields)
    obj.full_clean()
    attribute(obj, actor=actor, reason=_("Created"))
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    return obj


@transaction.atomic
def draft_update(
    *, obj: Approvable, actor: User, m2m: dict | None = None, **fields
) -> Approvable:
    """Edit a draft. Anything sent for approval is frozen until returned.

    Requires the change permission on the model or on the object. Raises
    ``PermissionDenied`` or ``ValidationError`` (not a draft, bad data).
    """
    if not can(actor, "change", obj):
        raise PermissionDenied
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if obj.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be edited; this one is %(status)s.")
            % {"status": obj.get_approval_status_display()},
            code="not_draft",
        )
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    attribute(obj, actor=actor, reason=_("Draft edited"))
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    return obj


@transaction.atomic
def policy_create(*, actor: User, year: int, title: str, text: str) -> QualityPolicy:
    """A draft quality policy for ``year`` (one per year)."""
    return _create(QualityPolicy, actor=actor, year=year, title=title, text=text)


@transaction.atomic
def concept_create(*, actor: User, **fields) -> DevelopmentConcept:
    """A draft development concept, readable by top management only."""
    concept = _create(DevelopmentConcept, actor=actor, **fields)
    _grant_top_management(concept)
    return concept


@transaction.atomic
def objective_create(*, actor: User, **fields) -> Objective:
    """A draft objective; a corporate one is readable by top management only."""
    objective = _create(Objective, actor=actor, **fields)
    if objective.is_restricted:
        _grant_top_management(objective)
    return objective


@transaction.atomic
def process_card_create(
    *, actor: User, participants=(), clauses=(), **fields
) -> ProcessCard:
    return _create(
        ProcessCard,
        actor=actor,
        m2m={"participants": participants, "clauses": clauses},
        **fields,
    )


@transaction.atomic
def indicator_create(*, actor: User, **fields) -> Indicator:
    return _create(Indicator, actor=actor, **fields)


@transaction.atomic
def indicator_update(*, indicator: Indicator, actor: User, **fields) -> Indicator:
    if not actor.has_perm("quality.change_indicator"):
        raise PermissionDenied
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    attribute(indicator, actor=actor, reason=_("Indicator changed"))
    indicator.save()
    return indicator


def may_record(user: User, indicator: Indicator) -> bool:
    """The indicator's owner, or whoever may record measurements."""
    return user.pk == indicator.owner_id or user.has_perm("quality.add_measurement")


@transaction.atomic
def measurement_record(
    *,
    actor: User,
    indicator: Indicator,
    period: date,
    value: Decimal,
    comment: str = "",
) -> Measurement:
    """Record one period's value; a missed target notifies the owner once.

    One measurement per period: a second raises ``ValidationError``. Amber
    and red (target missed) notify the indicator's owner, once per period.
    """
    if not may_record(actor, indicator):
        raise PermissionDenied
    measurement = Measurement(
        indicator=indicator,
        period=period,
        value=value,
        comment=comment,
        recorded_by=actor,
    )
    if Measurement.objects.filter(indicator=indicator, period=period).exists():
        raise ValidationError({"period": _("This period already has a measurement.")})
    measurement.full_clean(validate_constraints=False)
    attribute(measurement, actor=actor)
    try:
        with transaction.atomic():
            measurement.save()
    except IntegrityError:  # two people at once: the constraint decides
        raise ValidationError(
            {"period": _("This period already has a measurement.")}
        ) from None
    status = indicator.status_of(measurement.value)
    if status in {Indicator.Status.AMBER, Indicator.Status.RED}:
        notify(
            recipients=[indicator.owner],
            event="quality.target_missed",
            target=indicator.get_absolute_url(),
            context={
                "indicator": indicator.name,
                "value": str(measurement.value),
                "target": str(indicator.target),
                "period": period.isoformat(),
            },
            once_key=f"quality:target-missed:{indicator.pk}:{period.isoformat()}",
        )
    return measurement


def concept_review_remind(*, today: date | None = None) -> int:
    """Remind top management to review the concept by 15 January (§7.1).

    Sent in December and on 10 January until a concept is approved in the
    current review window (from 1 December). Idempotent per day. Returns
    how many people were notified.
    """
    today = today or timezone.localdate()
    year = today.year if today.month == 12 else today.year - 1
    window_start = date(year, 12, 1)
    approved = DevelopmentConcept.objects.filter(
        approval_status=ApprovalStatus.APPROVED,
        approved_at__date__gte=window_start,
    ).exists()
    if approved:
        return 0
    recipients = User.objects.filter(
        is_active=True, groups=_top_management()
    ).distinct()
    sent = notify(
        recipients=recipients,
        event="quality.concept_review_due",
        target="/quality/concepts/",
        context={"deadline": date(year + 1, 1, 15).isoformat()},
        once_key=f"quality:concept-review:{today.isoformat()}",
    )
    return len(sent)
