"""Every change to nonconformities, actions and the CAPA plan.

Other apps raise a nonconformity through :func:`nonconformity_raise` (a KPI
miss, a complaint, an audit finding, a failed delivery): the one way in.
Each step of a lifecycle is one function here that checks who may take it,
moves the status along the table in :mod:`capa.models`, writes the history
row with its reason and, where the step is a commitment, signs it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.files import EVIDENCE_TYPES, validate_upload
from sapat.accounts.models import OrganisationProfile, User
from sapat.accounts.roles import QUALITY_MANAGER, role_members
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import notify
from sapat.signing.models import ApprovalStatus, Meaning
from sapat.signing.services import (
    approvable_supersede,
    confirm_password,
    sign_confirmed,
    signed_pdf_queue,
)
from sapat.workflow import lock as _lock
from sapat.workflow import move as _move

from .models import (
    ACTION_CLOSED,
    Action,
    ActionKind,
    ActionStatus,
    ActionTask,
    CapaPlan,
    EvidenceFile,
    Nonconformity,
    NonconformityStatus,
)

#: Evidence files per nonconformity, and the size of each.
MAX_EVIDENCE_FILES = 10
#: Days overdue after which the director hears of a task or an action.
ESCALATE_AFTER_DAYS = 14
#: Days before a due date when the owner is reminded.
REMIND_BEFORE_DAYS = 3

for _event in (
    Event(
        "capa.nc_raised",
        title=gettext_lazy("Nonconformity %(code)s raised"),
        body=gettext_lazy("%(name)s reported: %(description)s"),
    ),
    Event(
        "capa.action_assigned",
        title=gettext_lazy("You are responsible for %(code)s"),
        body=gettext_lazy("%(title)s. Implement by %(due)s."),
    ),
    Event(
        "capa.due_soon",
        title=gettext_lazy("Due on %(due)s: %(title)s"),
        body=gettext_lazy("%(code)s: the deadline is in a few days."),
    ),
    Event(
        "capa.overdue",
        title=gettext_lazy("Overdue since %(due)s: %(title)s"),
        body=gettext_lazy(
            "%(code)s: the deadline has passed. Finish it or agree a new date."
        ),
    ),
    Event(
        "capa.escalated",
        title=gettext_lazy("Two weeks overdue: %(title)s"),
        body=gettext_lazy("%(code)s, responsible %(name)s, was due on %(due)s."),
    ),
    Event(
        "capa.check_due",
        title=gettext_lazy("Check the effectiveness of %(code)s"),
        body=gettext_lazy("%(title)s was implemented; the check is set for %(due)s."),
    ),
    Event(
        "capa.not_effective",
        title=gettext_lazy("%(code)s was not effective"),
        body=gettext_lazy("A follow-up action %(follow_up)s was opened for you."),
    ),
):
    register(_event)


# --- Helpers ----------------------------------------------------------------------


def _quality_managers() -> models.QuerySet[User]:
    return role_members(QUALITY_MANAGER)


def _save(obj: models.Model, *, actor: User | None, reason: str) -> None:
    obj.full_clean()
    attribute(obj, actor=actor, reason=reason)
    obj.save()


def _numbered(model: type[Nonconformity | Action], build) -> Nonconformity | Action:
    """Save a new row with the next number of its year.

    The numbers of the year are locked (on PostgreSQL) while the next is
    taken; the unique constraint decides for the first of a year, and a
    clash is retried.
    """
    year = timezone.localdate().year
    for _attempt in range(3):
        try:
            with transaction.atomic():
                taken = (
                    model.objects.select_for_update()
                    .filter(year=year)
                    .values_list("seq", flat=True)
                )
                obj = build(year=year, seq=max(taken, default=0) + 1)
                return obj
        except IntegrityError:
            continue
    raise ValidationError(_("Please try again: the number was taken."))


def _date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


# --- Permissions ------------------------------------------------------------------


def may_handle(user: User, nonconformity: Nonconformity) -> bool:
    """Those who keep the CAPA plan, and the nonconformity's responsible."""
    return user.has_perm("capa.change_nonconformity") or (
        nonconformity.responsible_id is not None
        and user.pk == nonconformity.responsible_id
    )


def may_work_on(user: User, action: Action) -> bool:
    """The action's owner, and those who keep the CAPA plan."""
    return user.pk == action.owner_id or user.has_perm("capa.change_action")


def may_check(user: User, action: Action) -> bool:
    """Whoever holds the check permission, except the action's owner."""
    return user.has_perm("capa.check_action") and user.pk != action.owner_id


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Nonconformities --------------------------------------------------------------


@transaction.atomic
def nonconformity_raise(
    *,
    actor: User | None,
    source: str,
    description: str,
    detected_by: User | None = None,
    detected_on: date | None = None,
    severity: str = "minor",
    process=None,
    unit=None,
    affected: str = "",
    responsible: User | None = None,
    origin: models.Model | None = None,
    files: Iterable = (),
) -> Nonconformity:
    """Register a nonconformity; the one service every app calls.

    ``actor`` None means the system (a service of another app), which must
    then name ``detected_by``. ``origin`` is the object that raised it (a
    KPI measurement, a complaint, an audit finding). ``files`` are uploaded
    files, each checked by content and size. Notifies the quality managers.
    Raises ``PermissionDenied`` without ``capa.add_nonconformity`` and
    ``ValidationError`` for bad input (nothing is saved then).
    """
    if actor is not None:
        _require(actor.has_perm("capa.add_nonconformity"))
    detected_by = detected_by or actor
    if detected_by is None:
        raise ValueError("a nonconformity raised by the system names detected_by")
    files = list(files)
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"files": _("At most %(count)s files.") % {"count": MAX_EVIDENCE_FILES}}
        )
    for upload in files:
        try:
            validate_upload(upload, allowed=EVIDENCE_TYPES)
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from error

    def build(*, year: int, seq: int) -> Nonconformity:
        nc = Nonconformity(
            year=year,
            seq=seq,
            source=source,
            description=description.strip(),
            detected_by=detected_by,
            detected_on=detected_on or timezone.localdate(),
            severity=severity,
            process=process,
            unit=unit,
            affected=affected.strip(),
            responsible=responsible,
            created_by=actor or detected_by,
        )
        if origin is not None:
            nc.origin = origin
        _save(nc, actor=actor, reason=_("Raised"))
        return nc

    nc = _numbered(Nonconformity, build)
    for upload in files:
        _store_evidence(nc, upload, actor=actor or detected_by)
    notify(
        recipients=[u for u in _quality_managers() if u.pk != detected_by.pk],
        event="capa.nc_raised",
        target=nc.get_absolute_url(),
        context={
            "code": nc.code,
            "name": detected_by.get_full_name(),
            "description": nc.description[:300],
        },
    )
    return nc


def _store_evidence(nc: Nonconformity, upload, *, actor: User) -> EvidenceFile:
    upload.seek(0)
    data = upload.read()
    stored = EvidenceFile(
        nonconformity=nc,
        name=(upload.name or "file")[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    stored.file.save(stored.name, ContentFile(data), save=False)
    attribute(stored, actor=actor)
    stored.save()
    return stored


@transaction.atomic
def evidence_add(*, nonconformity: Nonconformity, actor: User, upload) -> EvidenceFile:
    """Attach one more file while the nonconformity is open."""
    nc = _lock(nonconformity)
    _require(may_handle(actor, nc) or actor.pk == nc.detected_by_id)
    if not nc.is_open:
        raise ValidationError(_("The nonconformity is closed: nothing can be added."))
    if nc.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"file": _("At most %(count)s files.") % {"count": MAX_EVIDENCE_FILES}}
        )
    try:
        validate_upload(upload, allowed=EVIDENCE_TYPES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    return _store_evidence(nc, upload, actor=actor)


#: What may still be corrected in a nonconformity's registration, and until when.
EDITABLE_FIELDS = (
    "source",
    "description",
    "detected_on",
    "severity",
    "process",
    "unit",
    "affected",
    "responsible",
)


@transaction.atomic
def nonconformity_update(
    *, nonconformity: Nonconformity, actor: User, **fields
) -> Nonconformity:
    """Correct the registration while the nonconformity is open or contained."""
    nc = _lock(nonconformity)
    _require(may_handle(actor, nc))
    if nc.status not in {NonconformityStatus.OPEN, NonconformityStatus.CONTAINED}:
        raise ValidationError(
            _("Once under analysis, the registration is no longer changed.")
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(nc, name, value.strip() if isinstance(value, str) else value)
    _save(nc, actor=actor, reason=_("Edited"))
    return nc


def nonconformity_contain(
    *,
    nonconformity: Nonconformity,
    actor: User,
    containment: str,
    disposition: str,
    password: str,
    disposition_note: str = "",
    request=None,
) -> Nonconformity:
    """Record the immediate correction and the decision on the service.

    Open → contained, signed "performed" by the actor.
    """
    if not containment.strip():
        raise ValidationError(
            {"containment": _("Say what was done at once to contain it.")}
        )
    if not disposition:
        raise ValidationError(
            {"disposition": _("Decide what happens to the nonconforming service.")}
        )
    _require(may_handle(actor, nonconformity))
    confirm_password(user=actor, password=password, request=request)
    with transaction.atomic():
        nc = _lock(nonconformity)
        _require(may_handle(actor, nc))
        _move(nc, NonconformityStatus.CONTAINED)
        nc.containment = containment.strip()
        nc.disposition = disposition
        nc.disposition_note = disposition_note.strip()
        _save(nc, actor=actor, reason=_("Contained"))
        sign_confirmed(obj=nc, actor=actor, meaning=Meaning.PERFORMED)
    return nc


@transaction.atomic
def nonconformity_analyse(
    *, nonconformity: Nonconformity, actor: User, responsible: User | None = None
) -> Nonconformity:
    """Contained → under analysis: the causes are looked for."""
    nc = _lock(nonconformity)
    _require(may_handle(actor, nc))
    _move(nc, NonconformityStatus.ANALYSIS)
    if responsible is not None:
        nc.responsible = responsible
    _save(nc, actor=actor, reason=_("Analysis started"))
    return nc


def nonconformity_reject(
    *,
    nonconformity: Nonconformity,
    actor: User,
    reason: str,
    password: str,
    request=None,
) -> Nonconformity:
    """Not a nonconformity after all: rejected with a reason, signed "reviewed"."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this is not a nonconformity.")})
    _require(actor.has_perm("capa.change_nonconformity"))
    confirm_password(user=actor, password=password, request=request)
    with transaction.atomic():
        nc = _lock(nonconformity)
        _require(actor.has_perm("capa.change_nonconformity"))
        if nc.actions.exclude(status__in=ACTION_CLOSED).exists():
            raise ValidationError(
                _("Some of its actions are still open: finish them first.")
            )
        _move(nc, NonconformityStatus.REJECTED)
        nc.closing_reason = reason.strip()
        nc.closed_at = timezone.now()
        _save(nc, actor=actor, reason=_("Rejected"))
        sign_confirmed(obj=nc, actor=actor, meaning=Meaning.REVIEWED)
    return nc


def nonconformity_close_problems(nc: Nonconformity) -> list[str]:
    """Why ``nc`` cannot be closed now (empty: it can)."""
    if nc.status == NonconformityStatus.CONTAINED:
        # The correction is enough, but not while an action on it is open
        # (its follow-up could not be linked to a closed nonconformity).
        if nc.actions.exclude(status__in=ACTION_CLOSED).exists():
            return [str(_("Some of its actions are still open."))]
        return []
    if nc.status != NonconformityStatus.PLANNED:
        return [
            str(
                _(
                    "Only a contained nonconformity, or one whose actions are "
                    "done, is closed."
                )
            )
        ]
    statuses = list(nc.actions.values_list("status", flat=True))
    if any(status not in ACTION_CLOSED for status in statuses):
        return [str(_("Some of its actions are still open."))]
    if ActionStatus.EFFECTIVE not in statuses:
        return [str(_("None of its actions has been found effective yet."))]
    return []


def nonconformity_close(
    *,
    nonconformity: Nonconformity,
    actor: User,
    password: str,
    reason: str = "",
    request=None,
) -> Nonconformity:
    """Close: from "contained" when the correction is enough (say why), or
    from "action planned" once its actions are closed and one was effective.
    Signed "verified".
    """
    if nonconformity.status == NonconformityStatus.CONTAINED and not reason.strip():
        raise ValidationError({"reason": _("Say why no corrective action is needed.")})
    _require(actor.has_perm("capa.change_nonconformity"))
    confirm_password(user=actor, password=password, request=request)
    with transaction.atomic():
        nc = _lock(nonconformity)
        _require(actor.has_perm("capa.change_nonconformity"))
        _close(nc, actor=actor, reason=reason)
        sign_confirmed(obj=nc, actor=actor, meaning=Meaning.VERIFIED)
    return nc


def _close(nc: Nonconformity, *, actor: User | None, reason: str) -> None:
    problems = nonconformity_close_problems(nc)
    if problems:
        raise ValidationError(problems)
    # Checked again on the locked row: the caller's copy may be stale.
    if nc.status == NonconformityStatus.CONTAINED and not reason.strip():
        raise ValidationError({"reason": _("Say why no corrective action is needed.")})
    _move(nc, NonconformityStatus.CLOSED)
    nc.closing_reason = reason.strip()
    nc.closed_at = timezone.now()
    _save(nc, actor=actor, reason=_("Closed"))


# --- Actions ----------------------------------------------------------------------

ACTION_FIELDS = (
    "kind",
    "title",
    "description",
    "process",
    "trigger",
    "trigger_reference",
    "potential_problem",
    "why_1",
    "why_2",
    "why_3",
    "why_4",
    "why_5",
    "cause_category",
    "root_cause",
    "qms_impact",
    "owner",
    "due_date",
    "check_due",
    "checker",
)


def _check_nonconformities(kind: str, ncs: list[Nonconformity]) -> None:
    if kind in {ActionKind.CORRECTION, ActionKind.CORRECTIVE} and not ncs:
        raise ValidationError(
            {"nonconformities": _("Name the nonconformities this action deals with.")}
        )
    if kind == ActionKind.CORRECTIVE:
        waiting = {NonconformityStatus.ANALYSIS, NonconformityStatus.PLANNED}
        late = [nc.code for nc in ncs if nc.status not in waiting]
        if late:
            raise ValidationError(
                {
                    "nonconformities": _(
                        "A corrective action follows the analysis of causes; "
                        "not under analysis: %(codes)s."
                    )
                    % {"codes": ", ".join(late)}
                }
            )
    closed = [nc.code for nc in ncs if not nc.is_open]
    if closed:
        raise ValidationError(
            {
                "nonconformities": _("Already closed: %(codes)s.")
                % {"codes": ", ".join(closed)}
            }
        )


@transaction.atomic
def action_create(
    *,
    actor: User | None,
    kind: str,
    title: str,
    owner: User,
    due_date: date,
    check_due: date,
    checker: User,
    nonconformities: Iterable[Nonconformity] = (),
    affected_documents: Iterable = (),
    follow_up_of: Action | None = None,
    opened_on: date | None = None,
    **fields,
) -> Action:
    """Open an action (planned). A corrective action needs its root cause and
    nonconformities under analysis, which then move to "action planned".

    ``fields`` are the other fields of :data:`ACTION_FIELDS`. Notifies the
    owner. Raises ``ValidationError`` for bad input, nothing saved.
    """
    if actor is not None:
        _require(actor.has_perm("capa.add_action"))
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ValueError(f"unknown action fields: {sorted(unknown)}")
    ncs = [_lock(nc) for nc in nonconformities]
    _check_nonconformities(kind, ncs)

    def build(*, year: int, seq: int) -> Action:
        action = Action(
            year=year,
            seq=seq,
            kind=kind,
            title=title.strip(),
            owner=owner,
            due_date=due_date,
            check_due=check_due,
            checker=checker,
            opened_on=opened_on or timezone.localdate(),
            follow_up_of=follow_up_of,
            created_by=actor or owner,
            **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()},
        )
        _save(action, actor=actor, reason=_("Opened"))
        return action

    action = _numbered(Action, build)
    action.nonconformities.set(ncs)
    action.affected_documents.set(list(affected_documents))
    for nc in ncs:
        # Only a corrective action is the outcome of the cause analysis.
        if kind == ActionKind.CORRECTIVE and nc.status == NonconformityStatus.ANALYSIS:
            _move(nc, NonconformityStatus.PLANNED)
            _save(
                nc,
                actor=actor,
                reason=_("Action planned: %(code)s") % {"code": action.code},
            )
    notify(
        recipients=[owner],
        event="capa.action_assigned",
        target=action.get_absolute_url(),
        context={"code": action.code, "title": action.title, "due": _date(due_date)},
    )
    return action


@transaction.atomic
def action_update(
    *, action: Action, actor: User, affected_documents: Iterable | None = None, **fields
) -> Action:
    """Change the plan while the action is planned (before it is signed)."""
    action = _lock(action)
    _require(may_work_on(actor, action))
    if action.status != ActionStatus.PLANNED:
        raise ValidationError(
            _("The plan was signed when the work started: it is no longer edited.")
        )
    unknown = set(fields) - set(ACTION_FIELDS) - {"kind"}
    if unknown:
        raise ValueError(f"unknown action fields: {sorted(unknown)}")
    fields.pop("kind", None)  # the kind is chosen once
    for name, value in fields.items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    _save(action, actor=actor, reason=_("Edited"))
    if affected_documents is not None:
        action.affected_documents.set(list(affected_documents))
    return action


@transaction.atomic
def task_add(
    *, action: Action, actor: User, title: str, owner: User, due_date: date
) -> ActionTask:
    """Add a task to the plan of an action that is not yet implemented."""
    action = _lock(action)
    _require(may_work_on(actor, action))
    if action.status not in {ActionStatus.PLANNED, ActionStatus.IN_PROGRESS}:
        raise ValidationError(_("Tasks are added before the action is implemented."))
    task = ActionTask(
        action=action, title=title.strip(), owner=owner, due_date=due_date
    )
    _save(task, actor=actor, reason=_("Task added"))
    if owner.pk != action.owner_id:
        notify(
            recipients=[owner],
            event="capa.action_assigned",
            target=action.get_absolute_url(),
            context={"code": action.code, "title": task.title, "due": _date(due_date)},
        )
    return task


@transaction.atomic
def task_mark(*, task: ActionTask, actor: User, done: bool) -> ActionTask:
    """Tick a task done (or not done again) while the action is in progress."""
    task = (
        ActionTask.objects.select_for_update().select_related("action").get(pk=task.pk)
    )
    _require(actor.pk == task.owner_id or may_work_on(actor, task.action))
    if task.action.status != ActionStatus.IN_PROGRESS:
        raise ValidationError(_("Tasks are marked while the action is in progress."))
    if done == task.is_done:
        return task
    task.done_at = timezone.now() if done else None
    task.done_by = actor if done else None
    _save(task, actor=actor, reason=_("Done") if done else _("Reopened"))
    return task


def action_start_problems(action: Action) -> list[str]:
    problems = []
    if action.kind != ActionKind.CORRECTION and not action.tasks.exists():
        problems.append(str(_("Plan at least one task before starting.")))
    return problems


def action_start(*, action: Action, actor: User, password: str, request=None) -> Action:
    """Planned → in progress: the owner signs the plan ("acknowledged")."""
    _require(may_work_on(actor, action))
    confirm_password(user=actor, password=password, request=request)
    with transaction.atomic():
        action = _lock(action)
        _require(may_work_on(actor, action))
        problems = action_start_problems(action)
        if problems:
            raise ValidationError(problems)
        _move(action, ActionStatus.IN_PROGRESS)
        _save(action, actor=actor, reason=_("Started"))
        sign_confirmed(obj=action, actor=actor, meaning=Meaning.ACKNOWLEDGED)
    return action


def action_implement(
    *, action: Action, actor: User, note: str, password: str, request=None
) -> Action:
    """In progress → implemented, signed "performed"; every task must be done.

    Notifies the planned checker of the date of the effectiveness check.
    """
    if not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    _require(may_work_on(actor, action))
    confirm_password(user=actor, password=password, request=request)
    with transaction.atomic():
        action = _lock(action)
        _require(may_work_on(actor, action))
        if action.tasks.filter(done_at__isnull=True).exists():
            raise ValidationError(_("Some tasks of the plan are not done yet."))
        _move(action, ActionStatus.IMPLEMENTED)
        action.implementation_note = note.strip()
        action.implemented_on = timezone.localdate()
        _save(action, actor=actor, reason=_("Implemented"))
        sign_confirmed(obj=action, actor=actor, meaning=Meaning.PERFORMED)
        notify(
            recipients=[action.checker],
            event="capa.check_due",
            target=action.get_absolute_url(),
            context={
                "code": action.code,
                "title": action.title,
                "due": _date(action.check_due),
            },
        )
    return action


def _begin_check(action: Action, *, actor: User | None) -> None:
    _move(action, ActionStatus.CHECK)
    _save(action, actor=actor, reason=_("Effectiveness check due"))


def action_check(
    *,
    action: Action,
    actor: User,
    effective: bool,
    result: str,
    password: str,
    request=None,
    today: date | None = None,
) -> tuple[Action, Action | None]:
    """The effectiveness check, on or after its date, by someone other than
    the owner (with ``capa.check_action``), signed "verified".

    Effective: the action closes, and each of its nonconformities whose
    actions are all closed closes too. Not effective: the action closes and
    a follow-up action, linked to it and to the same nonconformities, is
    opened for the same owner. The action report PDF is queued. Returns the
    action and the follow-up (or None).
    """
    today = today or timezone.localdate()
    if not result.strip():
        raise ValidationError({"result": _("Describe what the check found.")})
    if actor.pk == action.owner_id:
        raise ValidationError(
            _("The owner of an action cannot check its effectiveness.")
        )
    _require(may_check(actor, action))
    confirm_password(user=actor, password=password, request=request)
    with transaction.atomic():
        action = _lock(action)
        if actor.pk == action.owner_id:
            raise ValidationError(
                _("The owner of an action cannot check its effectiveness.")
            )
        _require(may_check(actor, action))
        if action.status == ActionStatus.IMPLEMENTED:
            if today < action.check_due:
                raise ValidationError(
                    _("The effectiveness check is set for %(date)s.")
                    % {"date": _date(action.check_due)}
                )
            _begin_check(action, actor=actor)
        _move(
            action,
            ActionStatus.EFFECTIVE if effective else ActionStatus.NOT_EFFECTIVE,
        )
        action.check_result = result.strip()
        action.checked_by = actor
        action.checked_on = today
        action.closed_at = timezone.now()
        _save(
            action,
            actor=actor,
            reason=_("Closed: effective") if effective else _("Closed: not effective"),
        )
        sign_confirmed(obj=action, actor=actor, meaning=Meaning.VERIFIED)
        follow_up = None if effective else _follow_up(action, actor=actor, today=today)
        if effective:
            for nc in action.nonconformities.select_for_update():
                if (
                    nc.status == NonconformityStatus.PLANNED
                    and not nonconformity_close_problems(nc)
                ):
                    _close(nc, actor=actor, reason="")
                    sign_confirmed(obj=nc, actor=actor, meaning=Meaning.VERIFIED)
        signed_pdf_queue(obj=action)
    return action, follow_up


def _follow_up(action: Action, *, actor: User, today: date) -> Action:
    """A new action for the same problem, with the same span of time."""
    span = action.due_date - action.opened_on
    wait = action.check_due - action.due_date
    due = today + max(span, timedelta(days=7))
    follow_up = action_create(
        actor=None,
        kind=action.kind,
        title=_("Follow-up: %(title)s") % {"title": action.title},
        owner=action.owner,
        due_date=due,
        check_due=due + wait,
        checker=action.checked_by
        if action.checked_by_id != action.owner_id
        else action.checker,
        nonconformities=list(action.nonconformities.all()),
        affected_documents=list(action.affected_documents.all()),
        follow_up_of=action,
        opened_on=today,
        description=action.description,
        process=action.process,
        trigger=action.trigger,
        trigger_reference=action.trigger_reference,
        potential_problem=action.potential_problem,
        cause_category=action.cause_category,
        root_cause=action.root_cause,
        qms_impact=action.qms_impact,
    )
    notify(
        recipients=[action.owner],
        event="capa.not_effective",
        target=follow_up.get_absolute_url(),
        context={"code": action.code, "follow_up": follow_up.code},
    )
    return follow_up


@transaction.atomic
def action_request_manual_review(*, action: Action, actor: User, reason: str):
    """Start an unplanned review of the quality manual (§4.2.2) from an action:
    a change request on the manual in force, linked to the action."""
    from documents.models.register import Document, DocumentStatus, DocumentType
    from documents.services.register import change_request_create

    action = _lock(action)
    _require(may_work_on(actor, action))
    if action.manual_review_id is not None:
        raise ValidationError(
            _("A review of the quality manual was already requested.")
        )
    manual = Document.objects.filter(
        doc_type=DocumentType.QUALITY_MANUAL, status=DocumentStatus.IN_FORCE
    ).first()
    if manual is None:
        raise ValidationError(_("No quality manual is in force in the register."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what should change and why.")})
    change = change_request_create(
        document=manual,
        actor=actor,
        reason=_("%(code)s: %(reason)s")
        % {"code": action.code, "reason": reason.strip()},
    )
    action.manual_review = change
    _save(action, actor=actor, reason=_("Review of the quality manual requested"))
    return change


# --- Reminders --------------------------------------------------------------------


def _remind(*, key: str, recipients, event: str, target: str, context: dict) -> int:
    return len(
        notify(
            recipients=recipients,
            event=event,
            target=target,
            context=context,
            once_key=key,
        )
    )


def capa_remind(*, today: date | None = None) -> int:
    """Daily: tasks and actions due in 3 days and overdue, once per milestone;
    the director after 14 days overdue; the checker when the check is due.

    Each once_key names the row, the milestone and the due date, so running
    twice sends nothing twice, and a new due date starts new milestones.
    Also moves implemented actions whose check date has come to "check".
    Returns the number of notifications sent.
    """
    today = today or timezone.localdate()
    soon = today + timedelta(days=REMIND_BEFORE_DAYS)
    escalate_before = today - timedelta(days=ESCALATE_AFTER_DAYS)
    director = OrganisationProfile.load().director
    sent = 0

    tasks = ActionTask.objects.filter(
        done_at__isnull=True,
        due_date__lte=soon,
        action__status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
    ).select_related("action", "owner")
    actions = Action.objects.filter(
        status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS], due_date__lte=soon
    ).select_related("owner")
    rows = [
        ("task", task.pk, task.title, task.due_date, task.owner, task.action)
        for task in tasks
    ] + [
        ("action", action.pk, action.title, action.due_date, action.owner, action)
        for action in actions
    ]
    for kind, pk, title, due, owner, action in rows:
        context = {
            "code": action.code,
            "title": title,
            "due": _date(due),
            "name": owner.get_full_name(),
        }
        target = action.get_absolute_url()
        base = f"capa:{kind}:{pk}:{due.isoformat()}"
        if due >= today:
            sent += _remind(
                key=f"{base}:soon",
                recipients=[owner],
                event="capa.due_soon",
                target=target,
                context=context,
            )
            continue
        sent += _remind(
            key=f"{base}:overdue",
            recipients=[owner],
            event="capa.overdue",
            target=target,
            context=context,
        )
        if due <= escalate_before and director is not None:
            sent += _remind(
                key=f"{base}:escalated",
                recipients=[director],
                event="capa.escalated",
                target=target,
                context=context,
            )

    for action in Action.objects.filter(
        status=ActionStatus.IMPLEMENTED, check_due__lte=today
    ).select_related("checker"):
        with transaction.atomic():
            locked = _lock(action)
            if locked.status == ActionStatus.IMPLEMENTED:
                _begin_check(locked, actor=None)
        sent += _remind(
            key=f"capa:check:{action.pk}:{action.check_due.isoformat()}",
            recipients=[action.checker],
            event="capa.check_due",
            target=action.get_absolute_url(),
            context={
                "code": action.code,
                "title": action.title,
                "due": _date(action.check_due),
            },
        )
    return sent


# --- The CAPA plan ----------------------------------------------------------------

PLAN_KINDS = (ActionKind.CORRECTIVE, ActionKind.PREVENTIVE, ActionKind.IMPROVEMENT)


def _open_plan_actions():
    return Action.objects.filter(
        kind__in=PLAN_KINDS,
        status__in=[
            ActionStatus.PLANNED,
            ActionStatus.IN_PROGRESS,
            ActionStatus.IMPLEMENTED,
            ActionStatus.CHECK,
        ],
    )


@transaction.atomic
def plan_create(*, actor: User, notes: str = "") -> CapaPlan:
    """A draft of the CAPA plan with every open corrective, preventive and
    improvement action; one draft at a time."""
    _require(actor.has_perm("capa.add_capaplan"))
    if CapaPlan.objects.filter(
        approval_status__in=[
            ApprovalStatus.DRAFT,
            ApprovalStatus.AGREEMENT,
            ApprovalStatus.APPROVAL,
        ]
    ).exists():
        raise ValidationError(
            _("A draft of the plan already exists: update it instead.")
        )
    plan = CapaPlan(notes=notes.strip(), created_by=actor)
    _save(plan, actor=actor, reason=_("Drafted"))
    plan.actions.set(list(_open_plan_actions()))
    return plan


@transaction.atomic
def plan_refresh(*, plan: CapaPlan, actor: User, notes: str | None = None) -> CapaPlan:
    """Collect the open actions again into a draft (and change its notes)."""
    plan = _lock(plan)
    _require(actor.has_perm("capa.change_capaplan"))
    if plan.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(_("Only a draft plan is updated."))
    if notes is not None:
        plan.notes = notes.strip()
    plan.issued_on = timezone.localdate()
    _save(plan, actor=actor, reason=_("Updated"))
    plan.actions.set(list(_open_plan_actions()))
    return plan


def on_plan_approved(plan: CapaPlan, *, actor: User | None = None) -> None:
    """The newly approved plan replaces the one approved before."""
    older = CapaPlan.objects.filter(approval_status=ApprovalStatus.APPROVED).exclude(
        pk=plan.pk
    )
    for old in older:
        approvable_supersede(obj=old, actor=actor)
