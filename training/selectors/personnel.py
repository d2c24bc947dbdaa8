"""Read queries of personnel and competence, scoped by permission in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from sapat.accounts.models import User
from sapat.signing.models import Meaning, Signature

from ..models import (
    INTERNAL_AUDITOR,
    Attestation,
    Briefing,
    CompetenceHeld,
    ConflictOfInterest,
    Employee,
    Expert,
    ExpertArea,
    ExpertiseArea,
    Induction,
    PlanItem,
    PlanItemStatus,
    PostCompetence,
    TrainingNeed,
    TrainingTaken,
    client_key,
)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def visible_employees(*, user) -> QuerySet[Employee]:
    """All staff files with the view permission; one's own otherwise."""
    if not _active(user):
        return Employee.objects.none()
    if user.has_perm("training.view_employee"):
        return Employee.objects.all()
    return Employee.objects.filter(user=user)


def employee_list(
    *, user, q: str = "", state: str = "current", post: int | None = None
) -> QuerySet[Employee]:
    employees = visible_employees(user=user).select_related("user", "post", "induction")
    if state == "current":
        employees = employees.filter(left_on__isnull=True)
    elif state == "left":
        employees = employees.filter(left_on__isnull=False)
    if post:
        employees = employees.filter(post_id=post)
    if q:
        variants = {q, q.casefold(), q.capitalize(), q.upper()}
        condition = Q()
        for variant in variants:
            condition |= Q(user__full_name__contains=variant)
        employees = employees.filter(condition)
    return employees.order_by("user__full_name")


def employee_page(*, user, pk: int) -> Employee | None:
    return (
        visible_employees(user=user)
        .select_related("user", "post", "post__unit", "post__job_description")
        .filter(pk=pk)
        .first()
    )


# --- Competence gaps ---------------------------------------------------------


@dataclass
class Cell:
    required: int | None
    held: int | None

    @property
    def gap(self) -> bool:
        return self.required is not None and (self.held or 0) < self.required


@dataclass
class MatrixRow:
    employee: Employee
    cells: list[Cell] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return sum(1 for cell in self.cells if cell.gap)


def competence_matrix(employees: QuerySet[Employee]) -> tuple[list, list[MatrixRow]]:
    """People × competences their posts require: (columns, rows).

    Three queries however many people: the people with their posts, the
    requirements, the competences held.
    """
    employees = list(
        employees.select_related("user", "post").prefetch_related(
            Prefetch(
                "post__requirements",
                queryset=PostCompetence.objects.select_related("competence"),
                to_attr="requirement_list",
            ),
            Prefetch(
                "competences_held",
                queryset=CompetenceHeld.objects.all(),
                to_attr="held_list",
            ),
        )
    )
    columns = {}
    for employee in employees:
        for requirement in getattr(employee.post, "requirement_list", []):
            columns[requirement.competence_id] = requirement.competence
    ordered = sorted(columns.values(), key=lambda c: c.name)
    rows = []
    for employee in employees:
        required = {
            r.competence_id: r.level
            for r in getattr(employee.post, "requirement_list", [])
        }
        held = {h.competence_id: h.level for h in employee.held_list}
        rows.append(
            MatrixRow(
                employee=employee,
                cells=[Cell(required.get(c.pk), held.get(c.pk)) for c in ordered],
            )
        )
    return ordered, rows


def gaps_of(employee: Employee) -> list[tuple]:
    """(competence, required, held) where ``employee`` falls short."""
    _columns, rows = competence_matrix(Employee.objects.filter(pk=employee.pk))
    if not rows:
        return []
    return [
        (column, cell.required, cell.held)
        for column, cell in zip(_columns, rows[0].cells, strict=True)
        if cell.gap
    ]


def qualified_internal_auditors(*, min_level: int = 1) -> QuerySet[User]:
    """Active members of staff who hold the internal auditor competence."""
    return (
        User.objects.filter(
            is_active=True,
            staff_file__left_on__isnull=True,
            staff_file__competences_held__competence__code=INTERNAL_AUDITOR,
            staff_file__competences_held__level__gte=min_level,
        )
        .distinct()
        .order_by("full_name")
    )


# --- Induction ---------------------------------------------------------------


@dataclass
class ChecklistRow:
    document: object
    revision: object | None
    acknowledged: bool


@dataclass
class Progress:
    rows: list[ChecklistRow]
    briefings: dict[str, Briefing]

    @property
    def read(self) -> int:
        return sum(1 for row in self.rows if row.acknowledged or row.revision is None)

    @property
    def complete(self) -> bool:
        return self.read == len(self.rows) and set(self.briefings) >= set(
            Briefing.Kind.values
        )


def induction_progress(inductions: list[Induction]) -> dict[int, Progress]:
    """Each induction's checklist and briefings, in five queries for any
    number of inductions: documents, revisions in force, acknowledgements,
    briefings, their signatures."""
    from documents.models import DocumentRevision, RevisionStatus

    if not inductions:
        return {}
    through = Induction.documents.through
    links = list(
        through.objects.filter(
            induction_id__in=[i.pk for i in inductions]
        ).select_related("document")
    )
    document_ids = {link.document_id for link in links}
    current = {}
    for revision in DocumentRevision.objects.filter(
        document_id__in=document_ids, approval_status=RevisionStatus.IN_FORCE
    ).order_by("document_id", "number"):
        current[revision.document_id] = revision
    users = {i.pk: i.employee.user_id for i in inductions}
    acknowledged = set(
        Signature.objects.filter(
            content_type=ContentType.objects.get_for_model(DocumentRevision),
            object_id__in=[r.pk for r in current.values()],
            signer_id__in=set(users.values()),
            meaning=Meaning.ACKNOWLEDGED,
        ).values_list("object_id", "signer_id")
    )
    briefings = list(
        Briefing.objects.filter(induction__in=inductions).select_related("given_by")
    )
    signed = set(
        Signature.objects.filter(
            content_type=ContentType.objects.get_for_model(Briefing),
            object_id__in=[b.pk for b in briefings],
            meaning=Meaning.PERFORMED,
        ).values_list("object_id", flat=True)
    )
    progress = {i.pk: Progress(rows=[], briefings={}) for i in inductions}
    for link in sorted(links, key=lambda x: x.document.code):
        revision = current.get(link.document_id)
        progress[link.induction_id].rows.append(
            ChecklistRow(
                document=link.document,
                revision=revision,
                acknowledged=revision is not None
                and (revision.pk, users[link.induction_id]) in acknowledged,
            )
        )
    for briefing in briefings:
        if briefing.pk in signed:
            progress[briefing.induction_id].briefings[briefing.kind] = briefing
    return progress


def not_inducted(*, user) -> QuerySet[Employee]:
    """Current staff whose induction has not started or is not complete."""
    return (
        employee_list(user=user)
        .filter(Q(induction__isnull=True) | Q(induction__completed_on__isnull=True))
        .filter(user__is_active=True)
    )


def induction_list(*, user, state: str = "open") -> QuerySet[Induction]:
    inductions = Induction.objects.filter(
        employee__in=visible_employees(user=user)
    ).select_related("employee__user", "employee__post", "responsible")
    if state == "open":
        inductions = inductions.filter(completed_on__isnull=True)
    elif state == "complete":
        inductions = inductions.filter(completed_on__isnull=False)
    return inductions.order_by("started_on", "id")


# --- Attestations, needs, plan -----------------------------------------------


def attestation_list(*, user, year: int | None = None) -> QuerySet[Attestation]:
    if not _active(user):
        return Attestation.objects.none()
    attestations = Attestation.objects.select_related("employee__user")
    if not user.has_perm("training.view_attestation"):
        attestations = attestations.filter(employee__user=user)
    if year:
        attestations = attestations.filter(date__year=year)
    return attestations.order_by("-date", "-id")


def open_needs() -> QuerySet[TrainingNeed]:
    """Needs of current staff with no planned or done training for them."""
    planned = PlanItem.objects.filter(need=OuterRef("pk")).exclude(
        status=PlanItemStatus.CANCELLED
    )
    return (
        TrainingNeed.objects.filter(employee__left_on__isnull=True)
        .exclude(attestation__approval_status__in=["draft", "agreement", "approval"])
        .exclude(Exists(planned))
        .order_by("employee__user__full_name", "id")
    )


def need_list(*, user, state: str = "open") -> QuerySet[TrainingNeed]:
    needs = open_needs() if state == "open" else TrainingNeed.objects.all()
    return needs.filter(employee__in=visible_employees(user=user)).select_related(
        "employee__user", "competence", "attestation"
    )


def plan_items(plan) -> QuerySet[PlanItem]:
    return plan.items.select_related(
        "employee__user", "competence", "responsible", "completed_by", "need"
    ).order_by("planned_on", "id")


def expiring_certificates(*, user, within_days: int = 60) -> QuerySet[TrainingTaken]:
    today = timezone.localdate()
    return (
        TrainingTaken.objects.filter(
            employee__in=visible_employees(user=user).filter(left_on__isnull=True),
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=within_days),
        )
        .select_related("employee__user")
        .order_by("expires_on")
    )


# --- Experts -----------------------------------------------------------------


def expert_list(
    *, user, q: str = "", area: int | None = None, availability: str = ""
) -> QuerySet[Expert]:
    if not (_active(user) and user.has_perm("training.view_expert")):
        return Expert.objects.none()
    experts = Expert.objects.filter(active=True)
    if area:
        experts = experts.filter(area_levels__area_id=area)
    if availability:
        experts = experts.filter(availability=availability)
    if q:
        condition = Q()
        for variant in {q, q.casefold(), q.capitalize(), q.upper()}:
            condition |= Q(name__contains=variant) | Q(affiliation__contains=variant)
        experts = experts.filter(condition)
    return (
        experts.select_related("user")
        .prefetch_related(
            Prefetch(
                "area_levels",
                queryset=ExpertArea.objects.select_related("area"),
                to_attr="level_list",
            )
        )
        .annotate(conflict_count=Count("conflicts", distinct=True))
        .distinct()
        .order_by("name")
    )


def public_matrix() -> tuple[list[ExpertiseArea], list[tuple[Expert, list]]]:
    """The public qualification matrix: experts who consented × areas.

    Two queries; each row is the expert and the level per area column
    (None where the expert has no level).
    """
    areas = list(ExpertiseArea.objects.order_by("order", "name"))
    experts = Expert.objects.filter(active=True, public_consent=True).prefetch_related(
        Prefetch("area_levels", queryset=ExpertArea.objects.all(), to_attr="level_list")
    )
    rows = []
    for expert in experts.order_by("name"):
        levels = {cell.area_id: cell.level for cell in expert.level_list}
        rows.append((expert, [levels.get(area.pk) for area in areas]))
    used = [i for i, area in enumerate(areas) if any(r[1][i] for r in rows)]
    areas = [areas[i] for i in used]
    rows = [(expert, [cells[i] for i in used]) for expert, cells in rows]
    return areas, rows


def expert_conflicts(expert: Expert, client_name: str) -> QuerySet[ConflictOfInterest]:
    """The conflicts ``expert`` declared with a client of that name.

    Names are compared without case, quotes and extra spaces. Projects use
    it when staffing a project (and will compare clients, not names).
    """
    return ConflictOfInterest.objects.filter(
        expert=expert, client_key=client_key(client_name)
    )


def attestation_dates(employees: list[Employee]) -> dict[int, date | None]:
    """The last attestation date of each staff file (one query)."""
    rows = (
        Attestation.objects.filter(employee__in=employees)
        .exclude(approval_status="superseded")
        .values_list("employee_id", "date")
        .order_by("employee_id", "date")
    )
    return dict(rows)
