"""Every change in projects: clients, reviews, contracts, projects and their
stages, teams, tasks, meetings and decisions, deliverables, client property
and work plans.

Each service checks the permission first, validates (``full_clean``) before
saving, names the actor and reason for the history row, and locks the row
before a status change. ``ValidationError`` means bad input: nothing saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.accounts.models import User
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import notify
from sapat.signing.models import ApprovalStatus, Meaning
from sapat.signing.services import (
    approvable_supersede,
    confirm_password,
    sign_confirmed,
)
from sapat.workflow import check
from sapat.workflow import lock as _lock

from .models import (
    DECISION_TRANSITIONS,
    ITEM_TRANSITIONS,
    PROJECT_TRANSITIONS,
    REVIEW_TRANSITIONS,
    STAGE_ORDER,
    STAGE_TRANSITIONS,
    Client,
    ClientContact,
    ClientDocument,
    ClientSignature,
    Communication,
    ContractVersion,
    Decision,
    DecisionStatus,
    Deliverable,
    ItemStatus,
    Meeting,
    MeetingKind,
    PlanItem,
    PlanKind,
    Project,
    ProjectStage,
    ProjectStatus,
    ProjectUserObjectPermission,
    RequirementsReview,
    Stage,
    StageStatus,
    TeamMember,
    WorkPlan,
)
from .selectors import can_manage_project, overdue_decisions, overdue_items
from .signals import project_closed

register(
    Event(
        "projects.team_added",
        title=gettext_lazy("You are in the team of %(project)s"),
        body=gettext_lazy("Role: %(role)s."),
    )
)
register(
    Event(
        "projects.task_assigned",
        title=gettext_lazy("New task: %(title)s"),
        body=gettext_lazy("Due %(due)s."),
    )
)
register(
    Event(
        "projects.task_overdue",
        title=gettext_lazy("Overdue: %(title)s"),
        body=gettext_lazy("It was due %(due)s. Mark it done or agree a new date."),
    )
)
register(
    Event(
        "projects.decision_assigned",
        title=gettext_lazy("Decision for you: %(text)s"),
        body=gettext_lazy("Due %(due)s (%(meeting)s)."),
    )
)
register(
    Event(
        "projects.decision_overdue",
        title=gettext_lazy("Overdue decision: %(text)s"),
        body=gettext_lazy("It was due %(due)s (%(meeting)s)."),
    )
)

#: Object permissions of the team: members read the project and its client
#: property; the project manager and the referent also run it.
MEMBER_PERMS = ("view_project", "viewproperty_project")
MANAGER_PERMS = (*MEMBER_PERMS, "change_project")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _has(actor: User | None, perm: str) -> bool:
    return actor is not None and actor.is_active and actor.has_perm(perm)


def _save(obj, *, actor, reason: str, **full_clean):
    obj.full_clean(**full_clean)
    attribute(obj, actor=actor, reason=reason)
    obj.save()
    return obj


def _check_file(upload) -> None:
    if upload and hasattr(upload, "content_type"):
        from documents.files import validate_upload

        validate_upload(upload)


# --- Clients -----------------------------------------------------------------

CLIENT_FIELDS = (
    "name",
    "kind",
    "organisation",
    "region",
    "address",
    "general_director",
    "email",
    "phone",
    "notes",
)


@transaction.atomic
def client_create(*, actor: User, **fields) -> Client:
    _require(_has(actor, "projects.add_client"))
    client = Client(created_by=actor, **_only(fields, CLIENT_FIELDS))
    return _save(client, actor=actor, reason=_("Registered"))


@transaction.atomic
def client_update(*, actor: User, client: Client, **fields) -> Client:
    _require(_has(actor, "projects.change_client"))
    client = _lock(client)
    for name, value in _only(fields, CLIENT_FIELDS).items():
        setattr(client, name, value)
    return _save(client, actor=actor, reason=_("Edited"))


def _only(fields: dict, allowed: Iterable[str]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    return fields


@transaction.atomic
def contact_add(
    *,
    actor: User,
    client: Client,
    name: str,
    position: str = "",
    email: str = "",
    phone: str = "",
) -> ClientContact:
    _require(_has(actor, "projects.change_client"))
    contact = ClientContact(
        client=client, name=name, position=position, email=email, phone=phone
    )
    return _save(contact, actor=actor, reason=_("Contact added"))


def _can_log(actor: User, client: Client, project: Project | None) -> bool:
    if _has(actor, "projects.add_communication"):
        return True
    return project is not None and can_manage_project(actor, project)


@transaction.atomic
def communication_log(
    *,
    actor: User,
    client: Client,
    date: date,
    kind: str,
    summary: str,
    direction: str = Communication.Direction.INCOMING,
    contact: ClientContact | None = None,
    project: Project | None = None,
) -> Communication:
    """An entry of the communication log (§7.2.3)."""
    _require(_can_log(actor, client, project))
    entry = Communication(
        client=client,
        date=date,
        kind=kind,
        summary=summary,
        direction=direction,
        contact=contact,
        project=project,
        recorded_by=actor,
    )
    return _save(entry, actor=actor, reason=_("Logged"))


# --- Requirements review and contracts ---------------------------------------


@transaction.atomic
def review_create(
    *,
    actor: User,
    client: Client,
    service_type: str,
    client_requests: str,
    legal_requirements: str = "",
    unstated_requirements: str = "",
    capacity: str = "",
    capacity_ok: bool = False,
) -> RequirementsReview:
    _require(_has(actor, "projects.add_requirementsreview"))
    review = RequirementsReview(
        client=client,
        service_type=service_type,
        client_requests=client_requests,
        legal_requirements=legal_requirements,
        unstated_requirements=unstated_requirements,
        capacity=capacity,
        capacity_ok=capacity_ok,
        created_by=actor,
    )
    return _save(review, actor=actor, reason=_("Drawn up"))


def review_decide(
    *,
    actor: User,
    review: RequirementsReview,
    decision: str,
    note: str = "",
    password: str,
    request=None,
) -> RequirementsReview:
    """The director decides and signs the review ("reviewed")."""
    _require(_has(actor, "projects.change_requirementsreview"))
    confirm_password(user=actor, password=password, request=request)
    with transaction.atomic():
        review = _lock(review)
        check(review, decision, field="decision", transitions=REVIEW_TRANSITIONS)
        if decision == RequirementsReview.Decision.ACCEPT and not review.capacity_ok:
            raise ValidationError(
                {
                    "decision": _(
                        "The capacity check failed: the work cannot be accepted."
                    )
                }
            )
        review.decision = decision
        review.decision_note = note
        review.decided_by = actor
        review.decided_on = timezone.localdate()
        _save(review, actor=actor, reason=_("Decided"))
        sign_confirmed(obj=review, actor=actor, meaning=Meaning.REVIEWED, comment=note)
    return review


def _can_contract(actor: User, project: Project | None) -> bool:
    if _has(actor, "projects.add_contractversion"):
        return True
    return project is not None and can_manage_project(actor, project)


@transaction.atomic
def contract_draft(
    *,
    actor: User,
    client: Client,
    number: str,
    title: str,
    file,
    project: Project | None = None,
    terms_of_reference: str = "",
    remarks: str = "",
) -> ContractVersion:
    """A new version of a contract draft; every version is kept."""
    _require(_can_contract(actor, project))
    _check_file(file)
    # Lock the client so two drafts do not take the same version number.
    Client.objects.select_for_update().get(pk=client.pk)
    last = (
        ContractVersion.objects.filter(client=client, number=number)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    contract = ContractVersion(
        client=client,
        project=project,
        number=number,
        version=(last or 0) + 1,
        title=title,
        file=file,
        terms_of_reference=terms_of_reference,
        remarks=remarks,
        created_by=actor,
    )
    return _save(contract, actor=actor, reason=_("Version drafted"))


@transaction.atomic
def contract_send(
    *, actor: User, contract: ContractVersion, sent_on: date | None = None
) -> ContractVersion:
    """Record that the agreed version went to the client."""
    _require(_can_contract(actor, contract.project))
    contract = _lock(contract)
    if contract.approval_status != ApprovalStatus.APPROVED:
        raise ValidationError(
            _("Only the agreed version of the contract can be sent to the client."),
            code="not_agreed",
        )
    contract.sent_on = sent_on or timezone.localdate()
    _save(contract, actor=actor, reason=_("Sent to the client"))
    entry = Communication(
        client=contract.client,
        project=contract.project,
        date=contract.sent_on,
        kind=Communication.Kind.CONTRACT,
        direction=Communication.Direction.OUTGOING,
        summary=str(contract),
        recorded_by=actor,
    )
    _save(entry, actor=actor, reason=_("Logged"))
    return contract


# --- Projects ----------------------------------------------------------------


def sync_team_permissions(project: Project) -> None:
    """Give the team exactly its object permissions on ``project``."""
    content_type = ContentType.objects.get_for_model(Project)
    perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type=content_type, codename__in=MANAGER_PERMS
        )
    }
    wanted: set[tuple[int, str]] = set()
    for user_id in project.team.values_list("user_id", flat=True):
        wanted |= {(user_id, codename) for codename in MEMBER_PERMS}
    for user_id in (project.project_manager_id, project.referent_id):
        if user_id:
            wanted |= {(user_id, codename) for codename in MANAGER_PERMS}
    rows = ProjectUserObjectPermission.objects.filter(
        content_object=project, permission__in=perms.values()
    ).select_related("permission")
    have = {(row.user_id, row.permission.codename): row.pk for row in rows}
    stale = [pk for key, pk in have.items() if key not in wanted]
    if stale:
        ProjectUserObjectPermission.objects.filter(pk__in=stale).delete()
    ProjectUserObjectPermission.objects.bulk_create(
        [
            ProjectUserObjectPermission(
                content_object=project, user_id=user_id, permission=perms[codename]
            )
            for user_id, codename in wanted - set(have)
        ]
    )


def _check_review(review: RequirementsReview | None, client: Client) -> None:
    if review is None:
        return
    if review.client_id != client.pk:
        raise ValidationError({"review": _("The review is of another client.")})
    if review.decision != RequirementsReview.Decision.ACCEPT:
        raise ValidationError(
            {"review": _("The requirements review has not accepted the work.")}
        )


PROJECT_FIELDS = (
    "title",
    "service_type",
    "project_manager",
    "referent",
    "start_date",
    "end_date",
    "quality_programme",
    "estimate",
)


@transaction.atomic
def project_create(
    *,
    actor: User,
    client: Client,
    code: str,
    title: str,
    service_type: str,
    project_manager: User,
    start_date: date,
    referent: User | None = None,
    end_date: date | None = None,
    review: RequirementsReview | None = None,
    quality_programme: str = "",
    estimate: Decimal | None = None,
) -> Project:
    """Open a project at negotiation, with its seven stages planned."""
    _require(_has(actor, "projects.add_project"))
    _check_review(review, client)
    project = Project(
        client=client,
        code=code.strip(),
        title=title,
        service_type=service_type,
        project_manager=project_manager,
        referent=referent,
        start_date=start_date,
        end_date=end_date,
        review=review,
        quality_programme=quality_programme,
        estimate=estimate,
        created_by=actor,
    )
    _save(project, actor=actor, reason=_("Opened"))
    for order, kind in enumerate(STAGE_ORDER, start=1):
        stage = ProjectStage(
            project=project, kind=kind, order=order, owner=project_manager
        )
        if kind == Stage.NEGOTIATION:
            stage.status = StageStatus.ACTIVE
            stage.started_on = start_date
            stage.planned_start = start_date
        attribute(stage, actor=actor, reason=_("Planned"))
        stage.save()
    sync_team_permissions(project)
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, **fields) -> Project:
    _require(can_manage_project(actor, project))
    project = _lock(project)
    if not project.is_open:
        raise ValidationError(_("A closed project is not edited."))
    for name, value in _only(fields, PROJECT_FIELDS).items():
        setattr(project, name, value)
    _save(project, actor=actor, reason=_("Edited"))
    sync_team_permissions(project)
    return project


@transaction.atomic
def project_set_complexity(
    *,
    actor: User,
    project: Project,
    complexity: int,
    area=None,
    team_order: str = "",
    team_order_date: date | None = None,
) -> Project:
    """The director sets complexity, the field and the order forming the team."""
    _require(_has(actor, "projects.setcomplexity_project"))
    project = _lock(project)
    project.complexity = complexity
    project.area = area
    project.team_order = team_order
    project.team_order_date = team_order_date
    return _save(project, actor=actor, reason=_("Complexity set"))


def _team_errors(
    project: Project, user: User | None, expert, role: str
) -> tuple[User | None, object]:
    from training.models import ExpertArea
    from training.selectors import expert_conflicts

    if expert is not None and expert.user_id is None:
        raise ValidationError(
            {
                "expert": _(
                    "%(expert)s has no account in the portal: ask the system "
                    "administrator to create one first."
                )
                % {"expert": expert}
            }
        )
    if expert is not None and user is not None and expert.user_id != user.pk:
        raise ValidationError(
            {"expert": _("This expert's account is not the person chosen.")}
        )
    if user is None and expert is None:
        raise ValidationError(
            {"user": _("Choose a member of staff or an expert with an account.")}
        )
    user = user or expert.user
    if not user.is_active:
        raise ValidationError({"user": _("This account is deactivated.")})
    if expert is None:
        expert = getattr(user, "expert", None) if hasattr(user, "expert") else None
    if project.team.filter(user=user).exists():
        raise ValidationError(
            {
                "user": _("%(name)s is already in the team.")
                % {"name": user.get_full_name() or user.get_username()}
            }
        )
    if expert is not None:
        conflicts = list(expert_conflicts(expert, project.client.name))
        if conflicts:
            raise ValidationError(
                {
                    "expert": _(
                        "%(expert)s declared a conflict of interest with %(client)s."
                    )
                    % {"expert": expert, "client": project.client.name}
                }
            )
        if project.area_id and project.complexity:
            level = (
                ExpertArea.objects.filter(expert=expert, area_id=project.area_id)
                .values_list("level", flat=True)
                .first()
            )
            if level is None or level < project.complexity:
                raise ValidationError(
                    {
                        "expert": _(
                            "%(expert)s's level in %(area)s is below the "
                            "project's complexity (%(complexity)s)."
                        )
                        % {
                            "expert": expert,
                            "area": project.area,
                            "complexity": project.complexity,
                        }
                    }
                )
    return user, expert


@transaction.atomic
def team_add(
    *,
    actor: User,
    project: Project,
    role: str,
    user: User | None = None,
    expert=None,
) -> TeamMember:
    """Add a member (director's order): refuses duplicates, experts without
    an account, conflicts of interest and levels below the complexity."""
    _require(_has(actor, "projects.setcomplexity_project"))
    project = _lock(project)
    if not project.is_open:
        raise ValidationError(_("The team of a closed project is not changed."))
    user, expert = _team_errors(project, user, expert, role)
    member = TeamMember(
        project=project, user=user, expert=expert, role=role, added_by=actor
    )
    _save(member, actor=actor, reason=_("Added to the team"))
    sync_team_permissions(project)
    notify(
        recipients=[user],
        event="projects.team_added",
        target=project.get_absolute_url(),
        context={"project": str(project), "role": str(member.get_role_display())},
    )
    return member


@transaction.atomic
def team_remove(*, actor: User, member: TeamMember) -> None:
    _require(_has(actor, "projects.setcomplexity_project"))
    project = _lock(member.project)
    attribute(member, actor=actor, reason=_("Removed from the team"))
    member.delete()
    sync_team_permissions(project)


@transaction.atomic
def stage_update(
    *,
    actor: User,
    stage: ProjectStage,
    owner: User | None,
    planned_start: date | None,
    planned_end: date | None,
) -> ProjectStage:
    _require(can_manage_project(actor, stage.project))
    stage = _lock(stage)
    stage.owner = owner
    stage.planned_start = planned_start
    stage.planned_end = planned_end
    return _save(stage, actor=actor, reason=_("Planned"))


@transaction.atomic
def stage_finish(
    *, actor: User, stage: ProjectStage, finished_on: date | None = None
) -> ProjectStage:
    """Finish the current stage; the next one starts the same day.

    Refuses a stage whose previous stage is not finished, and a date before
    the previous stage finished or this one started. The close stage is
    finished by :func:`project_close`.
    """
    _require(can_manage_project(actor, stage.project))
    project = _lock(stage.project)
    stage = _lock(stage)
    finished_on = finished_on or timezone.localdate()
    if stage.kind == Stage.CLOSE:
        raise ValidationError(
            _("Close the project with the assessment and the supplier analysis.")
        )
    previous = project.stages.filter(order__lt=stage.order).order_by("-order").first()
    if stage.status == StageStatus.PLANNED:
        raise ValidationError(
            _("A stage cannot be finished before the previous one: finish “%(stage)s”.")
            % {"stage": previous.get_kind_display() if previous else ""},
            code="previous_open",
        )
    check(stage, StageStatus.DONE, transitions=STAGE_TRANSITIONS)
    if (
        previous is not None
        and previous.finished_on
        and finished_on < (previous.finished_on)
    ):
        raise ValidationError(
            {
                "finished_on": _(
                    "A stage cannot finish before the previous one (%(date)s)."
                )
                % {"date": previous.finished_on.isoformat()}
            },
            code="before_previous",
        )
    if stage.started_on and finished_on < stage.started_on:
        raise ValidationError(
            {
                "finished_on": _("The stage started on %(date)s.")
                % {"date": stage.started_on.isoformat()}
            }
        )
    if finished_on > timezone.localdate():
        raise ValidationError({"finished_on": _("The date is in the future.")})
    following = project.stages.filter(order=stage.order + 1).first()
    check(project, following.kind, transitions=PROJECT_TRANSITIONS)
    stage.status = StageStatus.DONE
    stage.finished_on = finished_on
    _save(stage, actor=actor, reason=_("Finished"))
    following = _lock(following)
    check(following, StageStatus.ACTIVE, transitions=STAGE_TRANSITIONS)
    following.status = StageStatus.ACTIVE
    following.started_on = finished_on
    _save(following, actor=actor, reason=_("Started"))
    project.status = following.kind
    _save(project, actor=actor, reason=_("Stage finished"))
    return stage


@transaction.atomic
def project_close(
    *,
    actor: User,
    project: Project,
    assessment: str,
    supplier_analysis: str,
    suppliers: Iterable = (),
    closed_on: date | None = None,
) -> Project:
    """The project manager assesses the project and the suppliers used
    (§8.2.1, §8.4); the project closes and Satisfaction is told."""
    project = _lock(project)
    _require(
        _has(actor, "projects.change_project") or actor.pk == project.project_manager_id
    )
    closed_on = closed_on or timezone.localdate()
    errors = {}
    if not assessment.strip():
        errors["assessment"] = [_("Write the project manager's assessment.")]
    if not supplier_analysis.strip():
        errors["supplier_analysis"] = [_("Analyse the suppliers used.")]
    if errors:
        raise ValidationError(errors)
    check(project, ProjectStatus.CLOSED, transitions=PROJECT_TRANSITIONS)
    stage = _lock(project.stages.get(kind=Stage.CLOSE))
    if stage.started_on and closed_on < stage.started_on:
        raise ValidationError(
            {
                "closed_on": _(
                    "A stage cannot finish before the previous one (%(date)s)."
                )
                % {"date": stage.started_on.isoformat()}
            }
        )
    stage.status = StageStatus.DONE
    stage.finished_on = closed_on
    _save(stage, actor=actor, reason=_("Finished"))
    project.status = ProjectStatus.CLOSED
    project.closed_on = closed_on
    project.assessment = assessment
    project.supplier_analysis = supplier_analysis
    _save(project, actor=actor, reason=_("Closed"))
    project.suppliers.set(list(suppliers))
    closed = project
    transaction.on_commit(
        lambda: project_closed.send(sender=Project, project=closed, actor=actor)
    )
    return project


@transaction.atomic
def project_cancel(*, actor: User, project: Project, reason: str) -> Project:
    _require(_has(actor, "projects.setcomplexity_project"))
    project = _lock(project)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the project is cancelled.")})
    check(project, ProjectStatus.CANCELLED, transitions=PROJECT_TRANSITIONS)
    project.status = ProjectStatus.CANCELLED
    project.closed_on = timezone.localdate()
    return _save(project, actor=actor, reason=reason)


# --- Client property ---------------------------------------------------------


def _can_keep_property(actor: User, project: Project) -> bool:
    return can_manage_project(actor, project)


@transaction.atomic
def client_document_register(
    *,
    actor: User,
    project: Project,
    title: str,
    medium: str,
    received_on: date,
    received_from: str,
    location: str,
    custodian: User | None = None,
    file=None,
    notes: str = "",
) -> ClientDocument:
    """Register a document or data received from the client (§7.5.4).

    The referent is the custodian unless someone else is named.
    """
    _require(_can_keep_property(actor, project))
    _check_file(file)
    document = ClientDocument(
        project=project,
        title=title,
        medium=medium,
        received_on=received_on,
        received_from=received_from,
        location=location,
        custodian=custodian or project.referent or actor,
        file=file or "",
        notes=notes,
        recorded_by=actor,
    )
    return _save(document, actor=actor, reason=_("Received from the client"))


@transaction.atomic
def client_document_return(
    *,
    actor: User,
    document: ClientDocument,
    returned_on: date,
    returned_to: str,
) -> ClientDocument:
    _require(_can_keep_property(actor, document.project))
    document = _lock(document)
    if document.returned_on:
        raise ValidationError(_("The document was already returned."))
    document.returned_on = returned_on
    document.returned_to = returned_to
    return _save(document, actor=actor, reason=_("Returned to the client"))


@transaction.atomic
def client_document_request_return(
    *, actor: User, document: ClientDocument
) -> ClientDocument:
    _require(_can_keep_property(actor, document.project))
    document = _lock(document)
    document.return_requested = True
    return _save(document, actor=actor, reason=_("Return requested"))


# --- Work plans and tasks ----------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: User, kind: str, year: int, period: int | None = None, title: str = ""
) -> WorkPlan:
    _require(_has(actor, "projects.add_workplan"))
    if kind == PlanKind.YEARLY:
        period = None
    plan = WorkPlan(kind=kind, year=year, period=period, title=title, created_by=actor)
    return _save(plan, actor=actor, reason=_("Drawn up"))


def _can_plan(actor: User, plan: WorkPlan | None, project: Project | None) -> bool:
    if project is not None:
        return can_manage_project(actor, project)
    return _has(actor, "projects.change_workplan")


@transaction.atomic
def item_add(
    *,
    actor: User,
    title: str,
    owner: User,
    due_date: date,
    plan: WorkPlan | None = None,
    project: Project | None = None,
    start_date: date | None = None,
    kind: str = PlanItem.Kind.TASK,
    stage: str = "",
) -> PlanItem:
    _require(_can_plan(actor, plan, project))
    if project is not None and not project.is_open:
        raise ValidationError(_("A closed project gets no new tasks."))
    item = PlanItem(
        plan=plan,
        project=project,
        title=title,
        owner=owner,
        due_date=due_date,
        start_date=start_date,
        kind=kind,
        stage=stage,
    )
    _save(item, actor=actor, reason=_("Planned"))
    if owner.pk != actor.pk:
        notify(
            recipients=[owner],
            event="projects.task_assigned",
            target=item.get_absolute_url(),
            context={"title": item.title, "due": due_date.isoformat()},
        )
    return item


@transaction.atomic
def item_update_status(
    *, actor: User, item: PlanItem, status: str, note: str = ""
) -> PlanItem:
    """The owner or the referent marks a task; the weekly status is noted."""
    item = _lock(item)
    _require(actor.pk == item.owner_id or _can_plan(actor, item.plan, item.project))
    if status != item.status:
        check(item, status, transitions=ITEM_TRANSITIONS)
        item.status = status
        item.done_on = timezone.localdate() if status == ItemStatus.DONE else None
    if note:
        item.status_note = note
    item.status_updated_on = timezone.localdate()
    return _save(item, actor=actor, reason=_("Status updated"))


def overdue_remind(*, today: date | None = None) -> int:
    """Daily: remind owners of overdue plan items and decisions, once each."""
    today = today or timezone.localdate()
    sent = 0
    for item in overdue_items(today=today):
        sent += len(
            notify(
                recipients=[item.owner],
                event="projects.task_overdue",
                target=item.get_absolute_url(),
                context={"title": item.title, "due": item.due_date.isoformat()},
                once_key=f"projects:item-overdue:{item.pk}:{item.due_date:%Y-%m-%d}",
            )
        )
    for decision in overdue_decisions(today=today):
        sent += len(
            notify(
                recipients=[decision.owner],
                event="projects.decision_overdue",
                target=decision.get_absolute_url(),
                context={
                    "text": str(decision),
                    "due": decision.due_date.isoformat(),
                    "meeting": str(decision.meeting),
                },
                once_key=(
                    f"projects:decision-overdue:{decision.pk}:"
                    f"{decision.due_date:%Y-%m-%d}"
                ),
            )
        )
    return sent


# --- Meetings and decisions --------------------------------------------------


def can_record_meeting(actor: User, kind: str, project: Project | None) -> bool:
    if _has(actor, "projects.add_meeting"):
        return True
    return (
        kind != MeetingKind.OPERATIONAL
        and project is not None
        and can_manage_project(actor, project)
    )


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    kind: str,
    number: str,
    date: date,
    chair: User,
    project: Project | None = None,
    place: str = "",
    attendees: Iterable[User] = (),
    minutes: str = "",
    complaints: str = "",
) -> Meeting:
    _require(can_record_meeting(actor, kind, project))
    meeting = Meeting(
        kind=kind,
        project=project,
        number=number,
        date=date,
        chair=chair,
        place=place,
        minutes=minutes,
        complaints=complaints,
        created_by=actor,
    )
    _save(meeting, actor=actor, reason=_("Minutes recorded"))
    meeting.attendees.set(list(attendees))
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    minutes: str,
    complaints: str = "",
    place: str = "",
    attendees: Iterable[User] = (),
) -> Meeting:
    _require(can_record_meeting(actor, meeting.kind, meeting.project))
    meeting = _lock(meeting)
    meeting.minutes = minutes
    meeting.complaints = complaints
    meeting.place = place
    _save(meeting, actor=actor, reason=_("Minutes edited"))
    meeting.attendees.set(list(attendees))
    return meeting


@transaction.atomic
def decision_add(
    *, actor: User, meeting: Meeting, text: str, owner: User, due_date: date
) -> Decision:
    _require(can_record_meeting(actor, meeting.kind, meeting.project))
    decision = Decision(meeting=meeting, text=text, owner=owner, due_date=due_date)
    _save(decision, actor=actor, reason=_("Decided"))
    notify(
        recipients=[owner],
        event="projects.decision_assigned",
        target=decision.get_absolute_url(),
        context={
            "text": str(decision),
            "due": due_date.isoformat(),
            "meeting": str(meeting),
        },
    )
    return decision


@transaction.atomic
def decision_move(*, actor: User, decision: Decision, status: str) -> Decision:
    decision = _lock(decision)
    meeting = decision.meeting
    _require(
        actor.pk == decision.owner_id
        or can_record_meeting(actor, meeting.kind, meeting.project)
    )
    check(decision, status, transitions=DECISION_TRANSITIONS)
    decision.status = status
    decision.done_on = timezone.localdate() if status == DecisionStatus.DONE else None
    return _save(decision, actor=actor, reason=_("Status changed"))


@transaction.atomic
def decision_raise_preventive(
    *,
    actor: User,
    decision: Decision,
    title: str,
    potential_problem: str,
    root_cause: str,
    owner: User,
    due_date: date,
    check_due: date,
    checker: User,
):
    """A decision raises a preventive action through CAPA (§8.5.3)."""
    from capa.services import action_create

    decision = _lock(decision)
    if decision.preventive_action_id:
        raise ValidationError(_("This decision already raised a preventive action."))
    action = action_create(
        actor=actor,
        kind="preventive",
        title=title,
        owner=owner,
        due_date=due_date,
        check_due=check_due,
        checker=checker,
        trigger="meeting",
        trigger_reference=str(decision.meeting)[:300],
        potential_problem=potential_problem,
        root_cause=root_cause,
    )
    decision.preventive_action = action
    _save(decision, actor=actor, reason=_("Preventive action raised"))
    return action


# --- Deliverables ------------------------------------------------------------


@transaction.atomic
def deliverable_create(
    *,
    actor: User,
    project: Project,
    kind: str,
    title: str,
    file=None,
    summary: str = "",
) -> Deliverable:
    _require(can_manage_project(actor, project))
    _check_file(file)
    deliverable = Deliverable(
        project=project,
        kind=kind,
        title=title,
        file=file or "",
        summary=summary,
        created_by=actor,
    )
    return _save(deliverable, actor=actor, reason=_("Prepared"))


@transaction.atomic
def deliverable_update(
    *, actor: User, deliverable: Deliverable, title: str, summary: str, file=None
) -> Deliverable:
    """Free changes before approval (informal, §7.3.7)."""
    _require(can_manage_project(actor, deliverable.project))
    deliverable = _lock(deliverable)
    if deliverable.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(
            _(
                "The report is %(status)s: after approval it is changed only by a "
                "decision of the project's status meeting."
            )
            % {"status": deliverable.get_approval_status_display()},
            code="not_draft",
        )
    _check_file(file)
    deliverable.title = title
    deliverable.summary = summary
    if file:
        deliverable.file = file
    return _save(deliverable, actor=actor, reason=_("Edited"))


@transaction.atomic
def deliverable_revise(
    *,
    actor: User,
    deliverable: Deliverable,
    decision: Decision | None,
    file=None,
    summary: str = "",
) -> Deliverable:
    """A new version of an approved report, on a status-meeting decision."""
    _require(can_manage_project(actor, deliverable.project))
    previous = _lock(deliverable)
    if previous.approval_status != ApprovalStatus.APPROVED:
        raise ValidationError(
            _("Only an approved report needs a revision; edit the draft instead.")
        )
    _check_file(file)
    revision = Deliverable(
        project=previous.project,
        kind=previous.kind,
        title=previous.title,
        version=previous.version + 1,
        file=file or previous.file,
        summary=summary or previous.summary,
        supersedes=previous,
        change_decision=decision,
        created_by=actor,
    )
    return _save(
        revision,
        actor=actor,
        reason=_("Revised on decision: %(decision)s") % {"decision": decision}
        if decision
        else _("Revised"),
    )


@transaction.atomic
def client_signature_record(
    *,
    actor: User,
    deliverable: Deliverable,
    contact: ClientContact,
    signed_on: date,
    note: str = "",
) -> ClientSignature:
    """Record a client representative's signature verifying the report."""
    _require(can_manage_project(actor, deliverable.project))
    if contact.client_id != deliverable.project.client_id:
        raise ValidationError(
            {"contact": _("The contact is not a representative of this client.")}
        )
    if deliverable.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(_("Signatures are recorded before the approval."))
    if deliverable.client_signatures.filter(contact=contact).exists():
        raise ValidationError({"contact": _("This signature is already recorded.")})
    signature = ClientSignature(
        deliverable=deliverable,
        contact=contact,
        signed_on=signed_on,
        note=note,
        recorded_by=actor,
    )
    return _save(signature, actor=actor, reason=_("Verified by the client"))


def on_deliverable_approved(deliverable: Deliverable, *, actor=None) -> None:
    """Supersede the previous version; keep the report as a record."""
    from records.services import record_register

    if deliverable.supersedes_id:
        previous = Deliverable.objects.get(pk=deliverable.supersedes_id)
        if previous.approval_status == ApprovalStatus.APPROVED:
            approvable_supersede(obj=previous, actor=actor)
    files = []
    if deliverable.file:
        with deliverable.file.open("rb") as stream:
            files.append((deliverable.file.name.rsplit("/", 1)[-1], stream.read()))
    try:
        with transaction.atomic():
            record = record_register(
                title=str(deliverable),
                date=timezone.localdate(),
                medium="electronic",
                obj=deliverable,
                kind="projects.deliverable",
                files=files,
            )
    except ValidationError:
        # No item of the nomenclature takes reports yet: the signed PDF is
        # still filed by records when it is ready.
        return
    Deliverable.objects.filter(pk=deliverable.pk).update(record=record)
