"""Read queries of nonconformities, actions and the CAPA plan.

Every list is scoped to what the user may see in SQL and loads its related
rows in bulk: a page takes the same number of queries for 3 rows or 25.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from sapat.access import visible_to
from sapat.accounts.models import User
from sapat.querysets import count_of

from .filters import ActionFilter, NonconformityFilter, overdue_condition
from .models import (
    ACTION_OPEN,
    NONCONFORMITY_OPEN,
    Action,
    ActionKind,
    ActionStatus,
    ActionTask,
    CapaPlan,
    Nonconformity,
    NonconformityStatus,
    Source,
)


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible_nonconformities(*, user) -> QuerySet[Nonconformity]:
    """All of them with the view permission (every member of staff has it);
    otherwise those granted, reported by or handled by ``user``."""
    queryset = Nonconformity.objects.all()
    if not _active(user):
        return queryset.none()
    if user.is_superuser or user.has_perm("capa.view_nonconformity"):
        return queryset
    granted = visible_to(user, queryset).values("pk")
    return queryset.filter(
        Q(pk__in=granted) | Q(responsible=user) | Q(detected_by=user)
    )


def visible_actions(*, user) -> QuerySet[Action]:
    """All of them with the view permission; otherwise those granted, or
    where ``user`` is the owner, the planned checker or owns a task."""
    queryset = Action.objects.all()
    if not _active(user):
        return queryset.none()
    if user.is_superuser or user.has_perm("capa.view_action"):
        return queryset
    granted = visible_to(user, queryset).values("pk")
    tasked = ActionTask.objects.filter(owner=user).values("action")
    return queryset.filter(
        Q(pk__in=granted) | Q(owner=user) | Q(checker=user) | Q(pk__in=tasked)
    )


def visible_plans(*, user) -> QuerySet[CapaPlan]:
    return visible_to(user, CapaPlan.objects.all())


def nonconformity_list(
    *, user, filters: Mapping | None = None
) -> QuerySet[Nonconformity]:
    """The nonconformities ``user`` may see, filtered by
    :class:`~capa.filters.NonconformityFilter` (GET parameters), newest
    first, with their process, people and number of actions."""
    queryset = visible_nonconformities(user=user)
    if filters is not None:
        queryset = NonconformityFilter(filters, queryset=queryset).qs
    return (
        queryset.select_related("process", "detected_by", "responsible")
        .annotate(
            action_count=count_of(Action.nonconformities.through, "nonconformity")
        )
        .order_by("-year", "-seq")
    )


def _task_counts(queryset: QuerySet[Action]) -> QuerySet[Action]:
    return queryset.annotate(
        task_count=count_of(ActionTask, "action"),
        task_done=count_of(ActionTask, "action", done_at__isnull=False),
    )


def action_list(*, user, filters: Mapping | None = None) -> QuerySet[Action]:
    """The actions ``user`` may see, filtered by
    :class:`~capa.filters.ActionFilter`, with owners, processes, their
    nonconformities and task counts."""
    queryset = visible_actions(user=user)
    if filters is not None:
        queryset = ActionFilter(filters, queryset=queryset).qs
    return _task_counts(
        queryset.select_related("process", "owner", "checker").prefetch_related(
            Prefetch(
                "nonconformities",
                queryset=Nonconformity.objects.only("id", "year", "seq", "status"),
            )
        )
    ).order_by("-year", "-seq")


def overdue_actions(*, user, today: date | None = None) -> QuerySet[Action]:
    return (
        visible_actions(user=user)
        .filter(overdue_condition(today))
        .select_related("owner")
        .order_by("due_date", "year", "seq")
    )


def plan_rows(plan: CapaPlan) -> list[Action]:
    """The rows of a plan with their owners and nonconformities: 2 queries."""
    return list(
        plan.rows().prefetch_related(
            Prefetch(
                "nonconformities",
                queryset=Nonconformity.objects.only("id", "year", "seq", "status"),
            )
        )
    )


def current_plan() -> CapaPlan | None:
    """The plan approved last, if any."""
    from sapat.signing.models import ApprovalStatus

    return (
        CapaPlan.objects.filter(approval_status=ApprovalStatus.APPROVED)
        .order_by("-approved_at", "-id")
        .first()
    )


def my_capa_work(user) -> dict:
    """What ``user`` has to do: open actions they own, open tasks of theirs,
    open nonconformities they handle, and actions waiting for their check."""
    if not _active(user):
        return {"actions": [], "tasks": [], "nonconformities": [], "checks": []}
    actions = list(
        Action.objects.filter(owner=user, status__in=ACTION_OPEN)
        .exclude(status=ActionStatus.CHECK)
        .order_by("due_date", "year", "seq")[:20]
    )
    tasks = list(
        ActionTask.objects.filter(
            owner=user,
            done_at__isnull=True,
            action__status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
        )
        .select_related("action")
        .order_by("due_date", "id")[:20]
    )
    nonconformities = list(
        Nonconformity.objects.filter(
            responsible=user, status__in=NONCONFORMITY_OPEN
        ).order_by("year", "seq")[:20]
    )
    checks = list(
        Action.objects.filter(
            checker=user,
            status__in=[ActionStatus.IMPLEMENTED, ActionStatus.CHECK],
        )
        .exclude(owner=user)
        .order_by("check_due", "year", "seq")[:20]
    )
    return {
        "actions": actions,
        "tasks": tasks,
        "nonconformities": nonconformities,
        "checks": checks,
    }


def status_counts(*, user) -> dict:
    """Nonconformities and actions per status, for the overview: 2 queries."""
    nc = dict(
        visible_nonconformities(user=user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    actions = dict(
        visible_actions(user=user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {
        "nonconformities": [
            (value, label, nc.get(value, 0))
            for value, label in NonconformityStatus.choices
        ],
        "actions": [
            (value, label, actions.get(value, 0))
            for value, label in ActionStatus.choices
        ],
    }


def _day(value) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def _median_days(pairs) -> float | None:
    days = [
        (_day(closed) - _day(opened)).days
        for opened, closed in pairs
        if opened is not None and closed is not None
    ]
    return statistics.median(days) if days else None


def year_summary(year: int) -> dict:
    """The year in figures for the management review (§8.4, §5.6.2).

    Counts are of the nonconformities and actions registered in ``year``;
    the median days to close and the share found effective are of those
    closed (or checked) in ``year``. Six queries, whatever the numbers.
    """
    ncs = Nonconformity.objects.filter(year=year).order_by()
    by_source = dict(ncs.values_list("source").annotate(n=Count("id")))
    by_process_rows = (
        ncs.values_list("process_id", "process__code", "process__name")
        .annotate(n=Count("id"))
        .order_by("process__code")
    )
    by_process = [
        {"code": code or "", "name": name or "", "count": n}
        for _pk, code, name, n in by_process_rows
    ]
    action_rows = (
        Action.objects.filter(year=year)
        .order_by()
        .values_list("kind", "status")
        .annotate(n=Count("id"))
    )
    matrix: dict[tuple[str, str], int] = {
        (kind, status): n for kind, status, n in action_rows
    }
    statuses = ActionStatus.choices
    by_kind = [
        {
            "kind": kind,
            "label": label,
            "cells": [matrix.get((kind, status), 0) for status, _label in statuses],
            "total": sum(matrix.get((kind, status), 0) for status, _l in statuses),
        }
        for kind, label in ActionKind.choices
    ]
    status_totals = [
        sum(matrix.get((kind, status), 0) for kind in ActionKind.values)
        for status, _label in statuses
    ]
    nc_closed = Nonconformity.objects.filter(
        status=NonconformityStatus.CLOSED, closed_at__year=year
    ).values_list("created_at", "closed_at")
    closed_actions = list(
        Action.objects.filter(
            status__in=[ActionStatus.EFFECTIVE, ActionStatus.NOT_EFFECTIVE],
            closed_at__year=year,
        ).values_list("opened_on", "closed_at", "status")
    )
    checked = len(closed_actions)
    effective = sum(1 for *_x, status in closed_actions if status == "effective")
    return {
        "year": year,
        "nc_total": sum(by_source.values()),
        "nc_by_source": [
            {"source": value, "label": label, "count": by_source.get(value, 0)}
            for value, label in Source.choices
        ],
        "nc_by_process": by_process,
        "action_statuses": statuses,
        "actions_by_kind": by_kind,
        "action_status_totals": status_totals,
        "action_total": sum(status_totals),
        "median_days_nc": _median_days(nc_closed),
        "median_days_action": _median_days((o, c) for o, c, _s in closed_actions),
        "checked": checked,
        "effective": effective,
        "effective_share": round(100 * effective / checked) if checked else None,
    }


def summary_years() -> list[int]:
    """The years with nonconformities or actions, newest first (and this one)."""
    years = set(Nonconformity.objects.values_list("year", flat=True).distinct())
    years |= set(Action.objects.values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def quality_managers() -> QuerySet[User]:
    from sapat.accounts.roles import QUALITY_MANAGER, role_members

    return role_members(QUALITY_MANAGER).order_by("full_name", "pk")


def default_checker(owner: User | None) -> User | None:
    """A quality manager who is not the action's owner."""
    managers = quality_managers()
    if owner is not None:
        managers = managers.exclude(pk=owner.pk)
    return managers.first()
