"""Read queries of projects, permission-scoped in SQL.

A project is visible to whoever has the model permission to view projects
(top management, project managers) and, object by object, to its team (the
project manager, the referent and the members get guardian permissions).
Client property is narrower: only the team and top management see it.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sapat.access import visible_to

from .models import (
    OPEN_STATUSES,
    ClientDocument,
    ContractVersion,
    Decision,
    DecisionStatus,
    Deliverable,
    ItemStatus,
    Meeting,
    MeetingKind,
    PlanItem,
    Project,
    ProjectStage,
    ProjectStatus,
    RequirementsReview,
    ServiceType,
    WorkPlan,
)

OPEN_ITEM = (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS)


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible_projects(user) -> QuerySet[Project]:
    """The projects ``user`` may read: one SQL query, no per-row checks."""
    return visible_to(user, Project.objects.all(), action="view")


def property_projects(user) -> QuerySet[Project]:
    """The projects whose client property ``user`` may see (team, top mgmt)."""
    return visible_to(user, Project.objects.all(), action="viewproperty")


def can_view_project(user, project: Project) -> bool:
    return visible_projects(user).filter(pk=project.pk).exists()


def can_manage_project(user, project: Project) -> bool:
    """Project manager, referent (object permission) or top management."""
    if not _active(user):
        return False
    return user.has_perm("projects.change_project") or user.has_perm(
        "projects.change_project", project
    )


def can_view_property(user, project: Project) -> bool:
    return property_projects(user).filter(pk=project.pk).exists()


def project_team_user_ids(project: Project) -> set[int]:
    """The accounts of the project manager, the referent and the team."""
    ids = set(project.team.values_list("user_id", flat=True))
    ids.add(project.project_manager_id)
    if project.referent_id:
        ids.add(project.referent_id)
    return ids


def project_list(
    *,
    user,
    q: str = "",
    status: str = "",
    service_type: str = "",
    mine: bool = False,
) -> QuerySet[Project]:
    queryset = visible_projects(user).select_related(
        "client", "project_manager", "referent"
    )
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if service_type:
        queryset = queryset.filter(service_type=service_type)
    if mine and _active(user):
        queryset = queryset.filter(
            Q(project_manager=user) | Q(referent=user) | Q(team__user=user)
        ).distinct()
    if q:
        queryset = queryset.filter(
            Q(code__icontains=q) | Q(title__icontains=q) | Q(client__name__icontains=q)
        )
    today = timezone.localdate()
    return queryset.annotate(
        overdue_tasks=Count(
            "tasks",
            filter=Q(tasks__status__in=OPEN_ITEM, tasks__due_date__lt=today),
            distinct=True,
        )
    ).order_by("-start_date", "-id")


def portfolio(user) -> dict:
    """Counts per status and service of the visible projects (2 queries)."""
    projects = visible_projects(user)
    by_status = dict(
        projects.values_list("status").annotate(n=Count("id")).order_by("status")
    )
    by_service = dict(
        projects.filter(status__in=OPEN_STATUSES)
        .values_list("service_type")
        .annotate(n=Count("id"))
        .order_by("service_type")
    )
    return {
        "by_status": [
            (value, label, by_status.get(value, 0))
            for value, label in ProjectStatus.choices
        ],
        "by_service": [
            (value, label, by_service.get(value, 0))
            for value, label in ServiceType.choices
        ],
        "open": sum(by_status.get(s, 0) for s in OPEN_STATUSES),
    }


def stages_of(project: Project) -> list[ProjectStage]:
    return list(project.stages.select_related("owner").order_by("order"))


def client_documents(
    *, user, project: Project | None = None, q: str = "", held: bool = False
) -> QuerySet[ClientDocument]:
    """Client property the user may see: team and top management only."""
    queryset = ClientDocument.objects.filter(
        project__in=property_projects(user).values("pk")
    ).select_related("project", "custodian")
    if project is not None:
        queryset = queryset.filter(project=project)
    if held:
        queryset = queryset.filter(returned_on__isnull=True)
    if q:
        queryset = queryset.filter(
            Q(title__icontains=q)
            | Q(received_from__icontains=q)
            | Q(location__icontains=q)
        )
    return queryset


def deliverables_of(*, user, project: Project) -> QuerySet[Deliverable]:
    return (
        Deliverable.objects.filter(project=project)
        .filter(project__in=visible_projects(user).values("pk"))
        .select_related("created_by")
    )


def visible_contracts(user) -> QuerySet[ContractVersion]:
    if not _active(user):
        return ContractVersion.objects.none()
    if user.has_perm("projects.view_contractversion"):
        return ContractVersion.objects.all()
    return ContractVersion.objects.filter(
        project__in=visible_projects(user).values("pk")
    )


def visible_reviews(user) -> QuerySet[RequirementsReview]:
    return visible_to(user, RequirementsReview.objects.all(), action="view")


def visible_meetings(user) -> QuerySet[Meeting]:
    """All meetings with the model permission; otherwise those of the visible
    projects and those the user attended or owes a decision of."""
    if not _active(user):
        return Meeting.objects.none()
    if user.has_perm("projects.view_meeting"):
        return Meeting.objects.all()
    return Meeting.objects.filter(
        Q(project__in=visible_projects(user).values("pk"))
        | Q(attendees=user)
        | Q(decisions__owner=user)
        | Q(chair=user)
    ).distinct()


def meeting_list(*, user, kind: str = "", project: int | None = None):
    queryset = visible_meetings(user).select_related("project", "chair")
    if kind:
        queryset = queryset.filter(kind=kind)
    if project:
        queryset = queryset.filter(project_id=project)
    return queryset.annotate(
        open_decisions=Count(
            "decisions", filter=Q(decisions__status=DecisionStatus.OPEN), distinct=True
        )
    ).order_by("-date", "-id")


def status_decisions(project: Project) -> QuerySet[Decision]:
    """Decisions of the project's status meetings: what may change a report."""
    return Decision.objects.filter(
        meeting__project=project, meeting__kind=MeetingKind.STATUS
    ).select_related("meeting")


def visible_plans(user) -> QuerySet[WorkPlan]:
    return visible_to(user, WorkPlan.objects.all(), action="view")


def plan_items(plan: WorkPlan) -> QuerySet[PlanItem]:
    return plan.items.select_related("owner", "project")


def my_tasks(user) -> dict:
    """Open plan items, project tasks and decisions owned by ``user``."""
    if not _active(user):
        return {"tasks": [], "decisions": [], "stages": []}
    tasks = list(
        PlanItem.objects.filter(owner=user, status__in=OPEN_ITEM)
        .select_related("project", "plan")
        .order_by("due_date", "id")[:50]
    )
    decisions = list(
        Decision.objects.filter(owner=user, status=DecisionStatus.OPEN)
        .select_related("meeting", "meeting__project")
        .order_by("due_date", "id")[:50]
    )
    stages = list(
        ProjectStage.objects.filter(
            owner=user,
            status__in=["planned", "active"],
            project__status__in=(OPEN_STATUSES),
        )
        .select_related("project")
        .order_by("planned_end", "id")[:50]
    )
    return {"tasks": tasks, "decisions": decisions, "stages": stages}


def overdue_items(*, today: date) -> QuerySet[PlanItem]:
    return PlanItem.objects.filter(
        status__in=OPEN_ITEM, due_date__lt=today, owner__is_active=True
    ).select_related("owner", "project", "plan")


def overdue_decisions(*, today: date) -> QuerySet[Decision]:
    return Decision.objects.filter(
        status=DecisionStatus.OPEN, due_date__lt=today, owner__is_active=True
    ).select_related("owner", "meeting")


# --- Timeline and calendar ---------------------------------------------------

#: The Gantt bars are positioned with a fixed set of classes (CSP forbids
#: inline styles): offsets and widths in steps of 1/GANTT_STEPS of the range.
GANTT_STEPS = 50


def timeline(*, user, start: date, end: date, projects=None) -> list[dict]:
    """Rows of the server-rendered Gantt: one per project, a bar per stage.

    Each bar carries ``offset`` and ``span`` in steps of 1/GANTT_STEPS of
    the range, rendered with the ``gantt-o-N`` / ``gantt-w-N`` classes.
    """
    if projects is None:
        projects = visible_projects(user).filter(status__in=OPEN_STATUSES)
    projects = list(projects.select_related("client").order_by("start_date", "id"))
    stages = ProjectStage.objects.filter(project__in=projects).order_by(
        "project", "order"
    )
    by_project = defaultdict(list)
    for stage in stages:
        by_project[stage.project_id].append(stage)
    total = max((end - start).days, 1)
    today = timezone.localdate()

    def step(day: date) -> int:
        day = min(max(day, start), end)
        return round((day - start).days * GANTT_STEPS / total)

    rows = []
    for project in projects:
        bars = []
        for stage in by_project.get(project.pk, []):
            begin = stage.started_on or stage.planned_start
            finish = (
                stage.finished_on
                or stage.planned_end
                or (today if stage.started_on else None)
            )
            if begin is None or finish is None or finish < start or begin > end:
                continue
            offset = step(begin)
            span = max(step(finish) - offset, 1)
            span = min(span, GANTT_STEPS - offset) or 1
            bars.append(
                {"stage": stage, "offset": min(offset, GANTT_STEPS - 1), "span": span}
            )
        rows.append({"project": project, "bars": bars})
    return rows


def month_range(year: int, month: int) -> tuple[date, date]:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last)


def calendar_events(*, user, start: date, end: date) -> dict[date, list[dict]]:
    """Visits (plan items of kind visit) and meetings per day, visible only."""
    events: dict[date, list[dict]] = defaultdict(list)
    visits = (
        PlanItem.objects.filter(kind=PlanItem.Kind.VISIT)
        .filter(
            Q(project__in=visible_projects(user).values("pk"))
            | Q(project__isnull=True, plan__in=visible_plans(user).values("pk"))
        )
        .filter(due_date__gte=start, due_date__lte=end)
        .select_related("project")
    )
    for visit in visits:
        first = max(visit.start_date or visit.due_date, start)
        day = first
        while day <= visit.due_date:
            events[day].append({"kind": "visit", "obj": visit})
            day += timedelta(days=1)
    meetings = (
        visible_meetings(user)
        .filter(date__gte=start, date__lte=end)
        .select_related("project")
    )
    for meeting in meetings:
        events[meeting.date].append({"kind": "meeting", "obj": meeting})
    return events


def calendar_weeks(year: int, month: int, events: dict) -> list[list[dict]]:
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                {
                    "date": day,
                    "in_month": day.month == month,
                    "events": events.get(day, []),
                }
                for day in week
            ]
        )
    return weeks
