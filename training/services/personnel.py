"""Every change in personnel and competence (ДЖ-12).

Posts and their required competences, staff files, trainings taken and
competences held, the experts database, attestations, training needs, the
yearly staff training plan, inductions and briefings, and the daily
reminders. Views, admin actions and tasks change nothing but through here.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.accounts.models import OrganisationProfile, User
from sapat.accounts.roles import DEPUTY_DIRECTOR, DIRECTOR, ROLES_BY_KEY
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import notify
from sapat.signing.models import ApprovalStatus, Meaning
from sapat.signing.services import confirm_password, route_start, sign_object
from sapat.workflow import move

from ..models import (
    PLAN_ITEM_TRANSITIONS,
    Attestation,
    Briefing,
    Competence,
    CompetenceHeld,
    ConflictOfInterest,
    Employee,
    Expert,
    ExpertArea,
    ExpertiseArea,
    Induction,
    PlanItem,
    PlanItemStatus,
    Post,
    PostCompetence,
    StaffTrainingPlan,
    TrainingNeed,
    TrainingTaken,
)

register(
    Event(
        "training.attestation_due",
        title=gettext_lazy("Attestation due by %(date)s: %(name)s"),
        body=gettext_lazy(
            "A year has passed since the last attestation. Set the date and the "
            "commission."
        ),
    )
)
register(
    Event(
        "training.certificate_expiring",
        title=gettext_lazy("Certificate expires on %(date)s: %(title)s"),
        body=gettext_lazy("%(name)s: plan the renewal of this certificate."),
    )
)
register(
    Event(
        "training.induction_late",
        title=gettext_lazy("Induction not finished: %(name)s"),
        body=gettext_lazy(
            "Started on %(date)s. Documents still to acknowledge or briefings "
            "still to sign."
        ),
    )
)

#: Reminders: an attestation a year after the last one, this many days before.
ATTESTATION_MONTHS = 12
ATTESTATION_NOTICE_DAYS = 30
CERTIFICATE_NOTICE_DAYS = 60
INDUCTION_DAYS = 30


def _require(actor: User | None, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied


def _save(obj, *, actor, reason: str = ""):
    obj.full_clean()
    attribute(obj, actor=actor, reason=reason)
    obj.save()
    return obj


def _set_fields(obj, fields: dict) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


def _check_file(upload) -> None:
    """Certificates, CVs and evidence: PDF or office files, by content."""
    if upload and not isinstance(upload, str) and hasattr(upload, "read"):
        from documents.files import validate_upload

        validate_upload(upload)
        upload.seek(0)


# --- Competences, fields of expertise, posts ---------------------------------


@transaction.atomic
def competence_save(
    *, actor: User, competence: Competence | None = None, **fields
) -> Competence:
    """Create (``competence`` None) or change a competence."""
    if competence is None:
        _require(actor, "training.add_competence")
        competence = Competence(**fields)
    else:
        _require(actor, "training.change_competence")
        competence = Competence.objects.select_for_update().get(pk=competence.pk)
        _set_fields(competence, fields)
    return _save(competence, actor=actor)


@transaction.atomic
def area_save(
    *, actor: User, area: ExpertiseArea | None = None, **fields
) -> ExpertiseArea:
    """Create (``area`` None) or change a field of expertise."""
    if area is None:
        _require(actor, "training.add_expertisearea")
        area = ExpertiseArea(**fields)
    else:
        _require(actor, "training.change_expertisearea")
        area = ExpertiseArea.objects.select_for_update().get(pk=area.pk)
        _set_fields(area, fields)
    return _save(area, actor=actor)


@transaction.atomic
def post_save(*, actor: User, post: Post | None = None, **fields) -> Post:
    """Create (``post`` None) or change a post and its job description."""
    if post is None:
        _require(actor, "training.add_post")
        post = Post(**fields)
    else:
        _require(actor, "training.change_post")
        post = Post.objects.select_for_update().get(pk=post.pk)
        _set_fields(post, fields)
    return _save(post, actor=actor)


@transaction.atomic
def post_requirement_set(
    *, actor: User, post: Post, competence: Competence, level: int
) -> PostCompetence:
    """The post requires ``competence`` at ``level`` (added or changed)."""
    _require(actor, "training.change_post")
    requirement = (
        PostCompetence.objects.select_for_update()
        .filter(post=post, competence=competence)
        .first()
    ) or PostCompetence(post=post, competence=competence)
    requirement.level = level
    return _save(requirement, actor=actor, reason=_("Requirement set"))


@transaction.atomic
def post_requirement_remove(*, actor: User, requirement: PostCompetence) -> None:
    _require(actor, "training.change_post")
    attribute(requirement, actor=actor, reason=_("Requirement removed"))
    requirement.delete()


# --- Staff files -------------------------------------------------------------


@transaction.atomic
def employee_hire(
    *,
    actor: User,
    user: User,
    hired_on: date,
    post: Post | None = None,
    education: str = "",
    qualifications: str = "",
    languages: str = "",
) -> Employee:
    """Open the staff file of a newcomer (an active account without one).

    Raises ``PermissionDenied`` or ``ValidationError``.
    """
    _require(actor, "training.add_employee")
    if not user.is_active:
        raise ValidationError({"user": _("The account is inactive.")})
    if Employee.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This person has a staff file already.")})
    employee = Employee(
        user=user,
        post=post,
        hired_on=hired_on,
        education=education,
        qualifications=qualifications,
        languages=languages,
    )
    return _save(employee, actor=actor, reason=_("Hired"))


@transaction.atomic
def employee_update(*, actor: User, employee: Employee, **fields) -> Employee:
    _require(actor, "training.change_employee")
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    _set_fields(employee, fields)
    return _save(employee, actor=actor)


def employee_close(*, employee: Employee, left_on: date, actor: User | None) -> None:
    """The person left: close the file, cancel their planned trainings.

    Called when the account is deactivated (``sapat.handover.deactivated``),
    inside that transaction.
    """
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if employee.left_on is None:
        employee.left_on = max(left_on, employee.hired_on)
        _save(employee, actor=actor, reason=_("Left"))
    for item in PlanItem.objects.filter(
        employee=employee, status=PlanItemStatus.PLANNED
    ):
        _plan_item_move(item, PlanItemStatus.CANCELLED, actor=actor, reason=_("Left"))


@transaction.atomic
def competence_held_set(
    *,
    actor: User | None,
    employee: Employee,
    competence: Competence,
    level: int,
    assessed_on: date,
    evidence: str = "",
    evidence_file=None,
) -> CompetenceHeld:
    """Record that a person holds ``competence`` at ``level`` (replacing
    the level held before), with its evidence."""
    _require(actor, "training.change_employee")
    _check_file(evidence_file)
    held = (
        CompetenceHeld.objects.select_for_update()
        .filter(employee=employee, competence=competence)
        .first()
    ) or CompetenceHeld(employee=employee, competence=competence)
    held.level = level
    held.assessed_on = assessed_on
    held.evidence = evidence
    if evidence_file:
        held.evidence_file = evidence_file
    return _save(held, actor=actor, reason=_("Competence assessed"))


@transaction.atomic
def training_record(
    *,
    actor: User,
    employee: Employee,
    title: str,
    issued_on: date,
    provider: str = "",
    kind: str = TrainingTaken.Kind.EXTERNAL,
    expires_on: date | None = None,
    hours: int | None = None,
    certificate=None,
    competence: Competence | None = None,
    level: int | None = None,
    plan_item: PlanItem | None = None,
) -> TrainingTaken:
    """Record a training taken, with its certificate.

    A training that developed a competence to a level raises the level the
    person holds (never lowers it); a training for an item of the plan marks
    the item done. The certificate's type is checked by its content.
    Raises ``PermissionDenied`` or ``ValidationError`` (a certificate that
    expires before it was issued, a bad file, an item of someone else).
    """
    _require(actor, "training.add_trainingtaken")
    _check_file(certificate)
    training = TrainingTaken(
        employee=employee,
        title=title,
        provider=provider,
        kind=kind,
        issued_on=issued_on,
        expires_on=expires_on,
        hours=hours,
        competence=competence,
        level=level,
        created_by=actor,
    )
    if certificate:
        training.certificate = certificate
    _save(training, actor=actor, reason=_("Training recorded"))
    if competence is not None and level:
        held = CompetenceHeld.objects.filter(
            employee=employee, competence=competence
        ).first()
        if held is None or held.level < level:
            competence_held_set(
                actor=None,
                employee=employee,
                competence=competence,
                level=level,
                assessed_on=issued_on,
                evidence=_("Training: %(title)s") % {"title": title},
            )
    if plan_item is not None:
        item = PlanItem.objects.select_for_update().get(pk=plan_item.pk)
        if item.employee_id != employee.pk:
            raise ValidationError(_("This item of the plan is someone else's."))
        if item.plan.approval_status != ApprovalStatus.APPROVED:
            raise ValidationError(_("Only an item of an approved plan is done."))
        item.completed_by = training
        _plan_item_move(item, PlanItemStatus.DONE, actor=actor, reason=title[:200])
    return training


# --- Experts -----------------------------------------------------------------


def _consent(expert: Expert) -> None:
    if expert.public_consent and expert.consent_on is None:
        expert.consent_on = timezone.localdate()
    if not expert.public_consent:
        expert.consent_on = None


@transaction.atomic
def expert_save(*, actor: User, expert: Expert | None = None, **fields) -> Expert:
    """Create (``expert`` None) or change an expert of the database.

    An internal expert is a member of staff; the name defaults to theirs.
    Withdrawing the consent takes the expert off the public matrix at once.
    """
    _check_file(fields.get("cv"))
    if fields.get("cv") is None:
        fields.pop("cv", None)
    if expert is None:
        _require(actor, "training.add_expert")
        expert = Expert(**fields)
    else:
        _require(actor, "training.change_expert")
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        _set_fields(expert, fields)
    if expert.user_id and not expert.name.strip():
        expert.name = expert.user.get_full_name()
    _consent(expert)
    return _save(expert, actor=actor)


@transaction.atomic
def expert_area_set(
    *, actor: User, expert: Expert, area: ExpertiseArea, level: int
) -> ExpertArea:
    """The expert's level in a field of expertise (added or changed)."""
    _require(actor, "training.change_expert")
    cell = (
        ExpertArea.objects.select_for_update().filter(expert=expert, area=area).first()
    ) or ExpertArea(expert=expert, area=area)
    cell.level = level
    return _save(cell, actor=actor)


@transaction.atomic
def expert_area_remove(*, actor: User, cell: ExpertArea) -> None:
    _require(actor, "training.change_expert")
    attribute(cell, actor=actor)
    cell.delete()


@transaction.atomic
def conflict_declare(
    *,
    actor: User,
    expert: Expert,
    client_name: str,
    declared_on: date,
    note: str = "",
) -> ConflictOfInterest:
    """An expert declares a conflict of interest with a client."""
    _require(actor, "training.change_expert")
    if not client_name.strip():
        raise ValidationError({"client_name": _("Name the client.")})
    conflict = ConflictOfInterest(
        expert=expert,
        client_name=client_name.strip(),
        declared_on=declared_on,
        note=note,
    )
    return _save(conflict, actor=actor, reason=_("Declared"))


# --- Attestation and training needs ------------------------------------------


def _attestable(employee: Employee) -> None:
    if employee.left_on is not None:
        raise ValidationError(
            {"employee": _("%(name)s has left: no attestation.") % {"name": employee}}
        )


@transaction.atomic
def attestation_create(
    *,
    actor: User,
    employee: Employee,
    date: date,
    commission,
    result: str,
    recommendations: str = "",
) -> Attestation:
    """Draw up an attestation; the commission agrees it, the director approves.

    Raises ``ValidationError`` for a person who has left or an empty
    commission.
    """
    _require(actor, "training.add_attestation")
    _attestable(employee)
    commission = list(commission)
    if not commission:
        raise ValidationError({"commission": _("Name the commission.")})
    attestation = Attestation(
        employee=employee,
        date=date,
        result=result,
        recommendations=recommendations,
        created_by=actor,
    )
    _save(attestation, actor=actor, reason=_("Drawn up"))
    attestation.commission.set(commission)
    return attestation


@transaction.atomic
def attestation_update(
    *, actor: User, attestation: Attestation, commission=None, **fields
) -> Attestation:
    _require(actor, "training.change_attestation")
    attestation = Attestation.objects.select_for_update().get(pk=attestation.pk)
    _draft(attestation)
    _set_fields(attestation, fields)
    _attestable(attestation.employee)
    _save(attestation, actor=actor)
    if commission is not None:
        if not list(commission):
            raise ValidationError({"commission": _("Name the commission.")})
        attestation.commission.set(commission)
    return attestation


def _draft(obj) -> None:
    if obj.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(
            _("It is %(status)s: only a draft is changed.")
            % {"status": obj.get_approval_status_display()},
            code="not_draft",
        )


def attestation_send(*, actor: User, attestation: Attestation):
    """Send the attestation to its commission (agreers) and the director."""
    return route_start(
        obj=attestation,
        actor=actor,
        agreers=list(attestation.commission.filter(is_active=True)),
    )


@transaction.atomic
def need_add(
    *,
    actor: User,
    employee: Employee | None = None,
    source: str = TrainingNeed.Source.MANAGEMENT,
    competence: Competence | None = None,
    level: int | None = None,
    topic: str = "",
    attestation: Attestation | None = None,
) -> TrainingNeed:
    """Note a training need; one from an attestation while it is a draft."""
    _require(actor, "training.add_trainingneed")
    if attestation is not None:
        attestation = Attestation.objects.select_for_update().get(pk=attestation.pk)
        _draft(attestation)
        employee = attestation.employee
        source = TrainingNeed.Source.ATTESTATION
    if employee is None:
        raise ValidationError({"employee": _("Choose the person.")})
    need = TrainingNeed(
        employee=employee,
        source=source,
        competence=competence,
        level=level,
        topic=topic.strip(),
        attestation=attestation,
    )
    return _save(need, actor=actor, reason=_("Need noted"))


# --- The staff training plan -------------------------------------------------


@transaction.atomic
def plan_create(*, actor: User, year: int, notes: str = "") -> StaffTrainingPlan:
    _require(actor, "training.add_stafftrainingplan")
    if StaffTrainingPlan.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("The plan of %(year)s exists already.") % {"year": year}}
        )
    plan = StaffTrainingPlan(year=year, notes=notes)
    return _save(plan, actor=actor, reason=_("Created"))


@transaction.atomic
def plan_item_add(
    *,
    actor: User,
    plan: StaffTrainingPlan,
    employee: Employee,
    topic: str,
    planned_on: date,
    responsible: User,
    competence: Competence | None = None,
    level: int | None = None,
    need: TrainingNeed | None = None,
) -> PlanItem:
    """Add a training to a draft plan."""
    _require(actor, "training.change_stafftrainingplan")
    plan = StaffTrainingPlan.objects.select_for_update().get(pk=plan.pk)
    _draft(plan)
    if employee.left_on is not None:
        raise ValidationError({"employee": _("This person has left.")})
    if not responsible.is_active:
        raise ValidationError({"responsible": _("Choose an active colleague.")})
    item = PlanItem(
        plan=plan,
        employee=employee,
        topic=topic.strip(),
        planned_on=planned_on,
        responsible=responsible,
        competence=competence,
        level=level,
        need=need,
    )
    return _save(item, actor=actor, reason=_("Planned"))


@transaction.atomic
def plan_add_needs(
    *, actor: User, plan: StaffTrainingPlan, planned_on: date, responsible: User
) -> list[PlanItem]:
    """An item for each open need of a current employee not yet planned."""
    from ..selectors.personnel import open_needs

    items = []
    for need in open_needs().select_related("competence", "employee"):
        items.append(
            plan_item_add(
                actor=actor,
                plan=plan,
                employee=need.employee,
                topic=need.topic or str(need.competence),
                planned_on=planned_on,
                responsible=responsible,
                competence=need.competence,
                level=need.level,
                need=need,
            )
        )
    return items


def _plan_item_move(item: PlanItem, new_status: str, *, actor, reason: str) -> None:
    move(item, new_status, transitions=PLAN_ITEM_TRANSITIONS)
    attribute(item, actor=actor, reason=reason)
    item.save(update_fields=["status", "completed_by"])


@transaction.atomic
def plan_item_cancel(*, actor: User, item: PlanItem, reason: str) -> PlanItem:
    _require(actor, "training.change_planitem")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the training is cancelled.")})
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    _plan_item_move(item, PlanItemStatus.CANCELLED, actor=actor, reason=reason)
    return item


@transaction.atomic
def plan_item_remove(*, actor: User, item: PlanItem) -> None:
    """Take an item out of a draft plan."""
    _require(actor, "training.change_stafftrainingplan")
    _draft(item.plan)
    attribute(item, actor=actor)
    item.delete()


# --- Induction ---------------------------------------------------------------


@transaction.atomic
def induction_start(
    *,
    actor: User,
    employee: Employee,
    documents,
    started_on: date | None = None,
    responsible: User | None = None,
) -> Induction:
    """Start a newcomer's induction with the checklist of documents to read."""
    _require(actor, "training.add_induction")
    if Induction.objects.filter(employee=employee).exists():
        raise ValidationError(_("The induction of this person has started already."))
    if employee.left_on is not None:
        raise ValidationError(_("This person has left."))
    documents = list(documents)
    if not documents:
        raise ValidationError({"documents": _("Choose the documents to read.")})
    induction = Induction(
        employee=employee,
        started_on=started_on or timezone.localdate(),
        responsible=responsible or actor,
    )
    _save(induction, actor=actor, reason=_("Started"))
    induction.documents.set(documents)
    return induction


@transaction.atomic
def induction_documents_set(
    *, actor: User, induction: Induction, documents
) -> Induction:
    """Change the checklist of an induction not yet complete."""
    _require(actor, "training.change_induction")
    induction = Induction.objects.select_for_update().get(pk=induction.pk)
    if induction.completed_on:
        raise ValidationError(_("The induction is complete."))
    documents = list(documents)
    if not documents:
        raise ValidationError({"documents": _("Choose the documents to read.")})
    attribute(induction, actor=actor, reason=_("Checklist changed"))
    induction.documents.set(documents)
    induction_refresh(induction=induction)
    return induction


def _in_group(user: User, role_key: str) -> bool:
    return user.groups.filter(name=ROLES_BY_KEY[role_key].group_name).exists()


def may_give_briefing(user: User, kind: str) -> bool:
    """The director gives the safety briefing; the director or a deputy the
    QMS briefing (§6.2)."""
    if not (user.is_authenticated and user.is_active):
        return False
    director = user.pk == OrganisationProfile.load().director_id or _in_group(
        user, DIRECTOR
    )
    if kind == Briefing.Kind.SAFETY:
        return director
    return director or _in_group(user, DEPUTY_DIRECTOR)


def briefing_sign(
    *,
    actor: User,
    induction: Induction,
    kind: str,
    password: str,
    given_on: date | None = None,
    notes: str = "",
    request=None,
) -> Briefing:
    """Record a briefing given to a newcomer, signed by who gave it.

    Checks the password first (a failure counts towards the lockout), then
    writes the briefing and its "performed" signature in one transaction
    and refreshes the induction. Raises ``PermissionDenied`` (not the
    director, or a deputy for the QMS briefing) or ``ValidationError``.
    """
    if kind not in Briefing.Kind.values:
        raise ValidationError(_("Unknown briefing."))
    if not may_give_briefing(actor, kind):
        raise PermissionDenied
    confirm_password(user=actor, password=password, request=request)
    with transaction.atomic():
        induction = Induction.objects.select_for_update().get(pk=induction.pk)
        if induction.briefings.filter(kind=kind).exists():
            raise ValidationError(_("This briefing is signed already."))
        given_on = given_on or timezone.localdate()
        if given_on < induction.started_on:
            raise ValidationError(
                {"given_on": _("A briefing cannot precede the induction.")}
            )
        briefing = Briefing(
            induction=induction,
            kind=kind,
            given_on=given_on,
            given_by=actor,
            notes=notes,
        )
        _save(briefing, actor=actor, reason=_("Briefing given"))
        sign_object(
            obj=briefing, actor=actor, meaning=Meaning.PERFORMED, password=password
        )
        induction_refresh(induction=induction)
    return briefing


def induction_refresh(*, induction: Induction, today: date | None = None) -> bool:
    """Mark the induction complete once everything is read and signed.

    Idempotent; returns whether it is complete.
    """
    from ..selectors.personnel import induction_progress

    if induction.completed_on:
        return True
    progress = induction_progress([induction])[induction.pk]
    if not progress.complete:
        return False
    with transaction.atomic():
        locked = Induction.objects.select_for_update().get(pk=induction.pk)
        if locked.completed_on is None:
            locked.completed_on = today or timezone.localdate()
            attribute(locked, actor=None, reason=_("Induction complete"))
            locked.save(update_fields=["completed_on"])
        induction.completed_on = locked.completed_on
    return True


def on_acknowledged(*, signer_id: int) -> None:
    """A document was acknowledged: the signer's induction may be complete."""
    for induction in Induction.objects.filter(
        employee__user_id=signer_id, completed_on__isnull=True
    ):
        induction_refresh(induction=induction)


# --- Reminders ---------------------------------------------------------------


def _managers() -> list[User]:
    """Who runs personnel: the director and the deputies."""
    groups = Group.objects.filter(
        name__in=[ROLES_BY_KEY[k].group_name for k in (DIRECTOR, DEPUTY_DIRECTOR)]
    )
    return list(User.objects.filter(is_active=True, groups__in=groups).distinct())


def attestation_due(employee: Employee, last: date | None) -> date:
    """A year after the last attestation (or after hiring)."""
    return (last or employee.hired_on) + relativedelta(months=ATTESTATION_MONTHS)


def attestation_due_remind(*, today: date | None = None) -> int:
    """Daily: 30 days before a person's yearly attestation is due."""
    today = today or timezone.localdate()
    managers = _managers()
    employees = (
        Employee.objects.filter(left_on__isnull=True, user__is_active=True)
        .select_related("user")
        .annotate(
            last=Max(
                "attestations__date",
                filter=~Q(attestations__approval_status=ApprovalStatus.SUPERSEDED),
            )
        )
    )
    sent = 0
    for employee in employees:
        due = attestation_due(employee, employee.last)
        if due - timedelta(days=ATTESTATION_NOTICE_DAYS) > today:
            continue
        sent += len(
            notify(
                recipients=[*managers, employee.user],
                event="training.attestation_due",
                target=employee.get_absolute_url(),
                context={"name": str(employee), "date": due.isoformat()},
                once_key=f"training:attestation-due:{employee.pk}:{due.isoformat()}",
            )
        )
    return sent


def certificates_expiring_remind(*, today: date | None = None) -> int:
    """Daily: certificates of current staff expiring within 60 days."""
    today = today or timezone.localdate()
    managers = _managers()
    trainings = TrainingTaken.objects.filter(
        employee__left_on__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=CERTIFICATE_NOTICE_DAYS),
    ).select_related("employee__user")
    sent = 0
    for training in trainings:
        sent += len(
            notify(
                recipients=[*managers, training.employee.user],
                event="training.certificate_expiring",
                target=training.employee.get_absolute_url(),
                context={
                    "title": training.title,
                    "name": str(training.employee),
                    "date": training.expires_on.isoformat(),
                },
                once_key=(
                    f"training:certificate:{training.pk}:"
                    f"{training.expires_on.isoformat()}"
                ),
            )
        )
    return sent


def induction_late_remind(*, today: date | None = None) -> int:
    """Daily: inductions still not complete 30 days after they started."""
    today = today or timezone.localdate()
    managers = _managers()
    late = Induction.objects.filter(
        completed_on__isnull=True,
        employee__left_on__isnull=True,
        started_on__lte=today - timedelta(days=INDUCTION_DAYS),
    ).select_related("employee__user", "responsible")
    sent = 0
    for induction in late:
        if induction_refresh(induction=induction, today=today):
            continue
        sent += len(
            notify(
                recipients=[*managers, induction.responsible, induction.employee.user],
                event="training.induction_late",
                target=induction.get_absolute_url(),
                context={
                    "name": str(induction.employee),
                    "date": induction.started_on.isoformat(),
                },
                once_key=f"training:induction-late:{induction.pk}",
            )
        )
    return sent


def personnel_remind(*, today: date | None = None) -> int:
    """The daily reminders of personnel; idempotent."""
    return (
        attestation_due_remind(today=today)
        + certificates_expiring_remind(today=today)
        + induction_late_remind(today=today)
    )
