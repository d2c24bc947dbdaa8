"""Every change in audits, management review and self-assessment.

Permissions: the quality manager plans audits and reviews (model
permissions from ``sapat/accounts/roles.py``); the audit team (lead auditor
and auditors) works on its own audit's checklist and findings; only the lead
auditor signs the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.accounts.models import User
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import notify
from sapat.signing.models import ApprovalStatus, Meaning
from sapat.signing.services import confirm_password, sign_confirmed, signed_pdf_queue
from sapat.workflow import lock as _lock
from sapat.workflow import move

from .models import (
    Answer,
    Audit,
    AuditProgramme,
    AuditStatus,
    ChecklistItem,
    Criterion,
    DecisionArea,
    DecisionStatus,
    Finding,
    FindingKind,
    ManagementReview,
    ReviewDecision,
    ReviewKind,
    ReviewStatus,
    Score,
    SelfAssessment,
    StaffMeeting,
)

for _code, _title, _body in (
    (
        "audits.plan",
        gettext_lazy("Audit plan: %(code)s on %(start)s"),
        gettext_lazy(
            "Your unit or process is audited from %(start)s to %(end)s. "
            "Lead auditor: %(lead)s. Scope: %(scope)s."
        ),
    ),
    (
        "audits.audit_soon",
        gettext_lazy("Internal audit %(code)s starts on %(start)s"),
        gettext_lazy("Prepare the checklist and send the audit plan to the auditees."),
    ),
    (
        "audits.programme_due",
        gettext_lazy("The internal audit programme for %(year)s is due"),
        gettext_lazy(
            "Draw up next year's audit programme and send it to the director."
        ),
    ),
    (
        "audits.review_due",
        gettext_lazy("Management review due: %(title)s"),
        gettext_lazy("Plan the meeting; the inputs are compiled by the portal."),
    ),
    (
        "audits.assessment_due",
        gettext_lazy("The self-assessment for %(year)s is due by %(due)s"),
        gettext_lazy("Score the criteria before the strategic management review."),
    ),
    (
        "audits.decision_assigned",
        gettext_lazy("Management review decision for you, due %(due)s"),
        gettext_lazy("%(text)s"),
    ),
):
    register(Event(_code, title=_title, body=_body))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _save(obj, *, actor: User | None, reason: str) -> None:
    obj.full_clean()
    attribute(obj, actor=actor, reason=reason)
    obj.save()


def _move(obj, new_status: str, *, table: dict, actor, reason: str) -> None:
    move(obj, new_status, transitions=table)
    _save(obj, actor=actor, reason=reason)


def _quality_managers():
    from capa.selectors import quality_managers

    return list(quality_managers())


def _director():
    from sapat.accounts.models import OrganisationProfile

    return OrganisationProfile.load().director


def _date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


# --- Programme ---------------------------------------------------------------


@transaction.atomic
def programme_create(
    *, actor: User, year: int, cycle_years: int = 3, notes: str = ""
) -> AuditProgramme:
    _require(actor.has_perm("audits.add_auditprogramme"))
    programme = AuditProgramme(year=year, cycle_years=cycle_years, notes=notes)
    _save(programme, actor=actor, reason=_("Created"))
    return programme


@transaction.atomic
def programme_update(
    *, actor: User, programme: AuditProgramme, cycle_years: int, notes: str
) -> AuditProgramme:
    _require(actor.has_perm("audits.change_auditprogramme"))
    programme = _lock(programme)
    if not programme.is_editable:
        raise ValidationError(_("Only a draft programme is adjusted."))
    programme.cycle_years = cycle_years
    programme.notes = notes
    _save(programme, actor=actor, reason=_("Adjusted"))
    return programme


# --- Audits ------------------------------------------------------------------


def may_work_on(user: User, audit: Audit) -> bool:
    """The quality manager, or a member of the audit's team."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("audits.change_audit"):
        return True
    return (
        user.pk == audit.lead_auditor_id or audit.auditors.filter(pk=user.pk).exists()
    )


def check_team(*, lead_auditor: User, auditors: Iterable[User], units) -> None:
    """Qualification (ДЖ-12) and independence (§8.2.2): refuse with a message."""
    from training.selectors.personnel import qualified_internal_auditors

    team = [lead_auditor, *[a for a in auditors if a.pk != lead_auditor.pk]]
    qualified = set(
        qualified_internal_auditors()
        .filter(pk__in=[u.pk for u in team])
        .values_list("pk", flat=True)
    )
    errors: dict[str, list[str]] = {}
    unit_ids = {u.pk for u in units}
    for person in team:
        field = "lead_auditor" if person.pk == lead_auditor.pk else "auditors"
        if person.pk not in qualified:
            errors.setdefault(field, []).append(
                _(
                    "%(name)s does not hold the internal auditor competence "
                    "(personnel file)."
                )
                % {"name": person.get_full_name()}
            )
        if person.unit_id and person.unit_id in unit_ids:
            errors.setdefault(field, []).append(
                _(
                    "%(name)s works in an audited unit: auditors never audit "
                    "their own unit."
                )
                % {"name": person.get_full_name()}
            )
    if errors:
        raise ValidationError(errors)


def _check_dates(*, programme, planned, reason, start_date, end_date) -> None:
    errors = {}
    if end_date < start_date:
        errors["end_date"] = _("The audit cannot end before it starts.")
    if planned and (
        start_date.year != programme.year or end_date.year != programme.year
    ):
        errors["start_date"] = _(
            "A planned audit falls within its programme's year (%(year)s)."
        ) % {"year": programme.year}
    if not planned and not (reason or "").strip():
        errors["reason"] = _("Give the reason for an unplanned audit.")
    if errors:
        raise ValidationError(errors)


def _next_seq(year: int) -> int:
    taken = Audit.objects.select_for_update().filter(year=year).aggregate(Max("seq"))
    return (taken["seq__max"] or 0) + 1


def checklist_generate(audit: Audit) -> int:
    """One question per clause and per process card in scope (new ones only)."""
    existing_clauses = set(
        audit.checklist.exclude(clause=None).values_list("clause_id", flat=True)
    )
    existing_processes = set(
        audit.checklist.exclude(process=None).values_list("process_id", flat=True)
    )
    order = audit.checklist.aggregate(m=Max("order"))["m"] or 0
    items = []
    for clause in audit.clauses.order_by("sort_key"):
        if clause.pk in existing_clauses:
            continue
        order += 1
        items.append(
            ChecklistItem(
                audit=audit,
                order=order,
                clause=clause,
                question=_("Is clause %(number)s “%(title)s” met? Show the evidence.")
                % {"number": clause.number, "title": clause.title},
            )
        )
    for card in audit.processes.order_by("code"):
        if card.pk in existing_processes:
            continue
        order += 1
        items.append(
            ChecklistItem(
                audit=audit,
                order=order,
                process=card,
                question=_(
                    "Is process %(code)s “%(name)s” run as its card says "
                    "(inputs, outputs, KPIs, records)?"
                )
                % {"code": card.code, "name": card.name},
            )
        )
    for item in items:
        attribute(item, actor=None, reason=_("Generated from the scope"))
        item.save()
    return len(items)


@transaction.atomic
def audit_create(
    *,
    actor: User,
    programme: AuditProgramme,
    title: str,
    lead_auditor: User,
    start_date: date,
    end_date: date,
    planned: bool = True,
    reason: str = "",
    criteria: str = "",
    processes: Iterable = (),
    clauses: Iterable = (),
    units: Iterable = (),
    auditors: Iterable[User] = (),
) -> Audit:
    """Plan an audit (or an unplanned one, with its reason) and generate its
    checklist. Refuses unqualified auditors and auditors of their own unit."""
    _require(actor.has_perm("audits.add_audit"))
    processes, clauses, units, auditors = (
        list(processes),
        list(clauses),
        list(units),
        list(auditors),
    )
    _check_dates(
        programme=programme,
        planned=planned,
        reason=reason,
        start_date=start_date,
        end_date=end_date,
    )
    if not (processes or clauses):
        raise ValidationError(
            {"processes": _("Name the processes or clauses in the audit's scope.")}
        )
    check_team(lead_auditor=lead_auditor, auditors=auditors, units=units)
    if planned and not programme.is_editable:
        raise ValidationError(
            _(
                "The programme is %(status)s: add an unplanned audit, or a new "
                "programme version."
            )
            % {"status": programme.get_approval_status_display()}
        )
    year = start_date.year
    for _attempt in range(3):
        try:
            with transaction.atomic():
                audit = Audit(
                    programme=programme,
                    year=year,
                    seq=_next_seq(year),
                    planned=planned,
                    reason="" if planned else reason.strip(),
                    title=title.strip(),
                    criteria=criteria.strip()
                    or Audit._meta.get_field("criteria").default,
                    lead_auditor=lead_auditor,
                    start_date=start_date,
                    end_date=end_date,
                    created_by=actor,
                )
                _save(audit, actor=actor, reason=_("Planned"))
                break
        except IntegrityError:
            continue
    else:  # pragma: no cover - three clashes in a row
        raise ValidationError(_("Please try again: the number was taken."))
    audit.processes.set(processes)
    audit.clauses.set(clauses)
    audit.units.set(units)
    audit.auditors.set([a for a in auditors if a.pk != lead_auditor.pk])
    checklist_generate(audit)
    return audit


def auditees(audit: Audit) -> list[User]:
    """Heads and members of the audited units and the owners of the processes."""
    people: dict[int, User] = {}
    for unit in audit.units.select_related("head"):
        if unit.head:
            people[unit.head.pk] = unit.head
    for user in User.objects.filter(unit__in=audit.units.all(), is_active=True):
        people[user.pk] = user
    for card in audit.processes.select_related("owner"):
        people[card.owner.pk] = card.owner
    team = {audit.lead_auditor_id, *audit.auditors.values_list("pk", flat=True)}
    return [u for pk, u in people.items() if pk not in team]


def _plan_context(audit: Audit) -> dict:
    scope = ", ".join(
        [p.code for p in audit.processes.all()]
        + [c.number for c in audit.clauses.all()]
    )
    return {
        "code": audit.code,
        "start": _date(audit.start_date),
        "end": _date(audit.end_date),
        "lead": audit.lead_auditor.get_full_name(),
        "scope": scope[:300],
    }


@transaction.atomic
def audit_send_plan(*, actor: User, audit: Audit) -> Audit:
    """Send the audit plan to the auditees (planned → notified)."""
    audit = _lock(audit)
    _require(may_work_on(actor, audit))
    _move(
        audit,
        AuditStatus.NOTIFIED,
        table=Audit.transitions,
        actor=actor,
        reason=_("Audit plan sent"),
    )
    Audit.objects.filter(pk=audit.pk).update(plan_sent_at=timezone.now())
    notify(
        recipients=auditees(audit),
        event="audits.plan",
        target=audit.get_absolute_url(),
        context=_plan_context(audit),
        once_key=f"audits.plan.{audit.pk}",
    )
    return audit


@transaction.atomic
def audit_start(*, actor: User, audit: Audit) -> Audit:
    audit = _lock(audit)
    _require(may_work_on(actor, audit))
    _move(
        audit,
        AuditStatus.IN_PROGRESS,
        table=Audit.transitions,
        actor=actor,
        reason=_("Audit started"),
    )
    return audit


@transaction.atomic
def audit_cancel(*, actor: User, audit: Audit, reason: str) -> Audit:
    _require(actor.has_perm("audits.change_audit"))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the audit is cancelled.")})
    audit = _lock(audit)
    _move(
        audit,
        AuditStatus.CANCELLED,
        table=Audit.transitions,
        actor=actor,
        reason=_("Cancelled: %(reason)s") % {"reason": reason.strip()},
    )
    return audit


def _in_progress(audit: Audit) -> None:
    if audit.status != AuditStatus.IN_PROGRESS:
        raise ValidationError(
            _("The checklist and findings are recorded while the audit is in progress.")
        )


@transaction.atomic
def checklist_answer(
    *, actor: User, item: ChecklistItem, answer: str, evidence: str
) -> ChecklistItem:
    audit = _lock(item.audit)
    _require(may_work_on(actor, audit))
    _in_progress(audit)
    item = _lock(item)
    if answer and answer not in Answer.values:
        raise ValidationError({"answer": _("Choose an answer.")})
    if answer in {Answer.CONFORMS, Answer.NONCONFORMS} and not evidence.strip():
        raise ValidationError(
            {"evidence": _("Write the evidence seen (document, record, interview).")}
        )
    item.answer = answer
    item.evidence = evidence.strip()
    _save(item, actor=actor, reason=_("Answered"))
    return item


@transaction.atomic
def finding_add(
    *,
    actor: User,
    audit: Audit,
    kind: str,
    description: str,
    clause=None,
    process=None,
    unit=None,
    checklist_item: ChecklistItem | None = None,
) -> Finding:
    """Record a finding; a nonconformity raises a CAPA nonconformity linked
    both ways (the finding keeps it; its origin is the finding)."""
    from capa.services import nonconformity_raise

    audit = _lock(audit)
    _require(may_work_on(actor, audit))
    _in_progress(audit)
    if checklist_item is not None and checklist_item.audit_id != audit.pk:
        raise ValidationError({"checklist_item": _("Not an item of this audit.")})
    if checklist_item is not None:
        clause = clause or checklist_item.clause
        process = process or checklist_item.process
    finding = Finding(
        audit=audit,
        kind=kind,
        description=description.strip(),
        clause=clause,
        process=process,
        unit=unit,
        checklist_item=checklist_item,
        created_by=actor,
    )
    _save(finding, actor=actor, reason=_("Recorded"))
    if finding.is_nonconformity:
        nc = nonconformity_raise(
            actor=None,
            detected_by=actor,
            source="internal_audit",
            description=_("%(code)s (%(clause)s): %(text)s")
            % {
                "code": audit.code,
                "clause": clause.number if clause else "—",
                "text": finding.description,
            },
            severity="major" if kind == FindingKind.MAJOR else "minor",
            process=process,
            unit=unit,
            responsible=process.owner if process else (unit.head if unit else None),
            origin=finding,
        )
        finding.nonconformity = nc
        _save(finding, actor=actor, reason=_("CAPA nonconformity raised"))
    return finding


def unanswered_mandatory(audit: Audit) -> list[ChecklistItem]:
    return list(
        audit.checklist.filter(mandatory=True, answer="").order_by("order", "pk")
    )


def audit_sign_report(
    *,
    actor: User,
    audit: Audit,
    password: str,
    conclusion: str,
    request=None,
) -> Audit:
    """The lead auditor signs the report (in progress → reported) and its
    signed PDF is queued. Refused while mandatory items are unanswered."""
    if actor.pk != audit.lead_auditor_id:
        raise PermissionDenied
    missing = unanswered_mandatory(audit)
    if missing:
        raise ValidationError(
            _("Answer the mandatory checklist items first: %(items)s")
            % {"items": "; ".join(item.question for item in missing)},
            code="unanswered",
        )
    if not conclusion.strip():
        raise ValidationError({"conclusion": _("Write the audit's conclusion.")})
    confirm_password(user=actor, password=password, request=request)
    with transaction.atomic():
        audit = _lock(audit)
        if audit.status != AuditStatus.IN_PROGRESS:
            raise ValidationError(
                _("Only an audit in progress is reported (it is %(status)s).")
                % {"status": audit.get_status_display()}
            )
        audit.conclusion = conclusion.strip()
        audit.reported_at = timezone.now()
        _move(
            audit,
            AuditStatus.REPORTED,
            table=Audit.transitions,
            actor=actor,
            reason=_("Report signed"),
        )
        sign_confirmed(obj=audit, actor=actor, meaning=Meaning.PERFORMED)
        signed_pdf_queue(obj=audit)
    return audit


# --- Management review -------------------------------------------------------


@transaction.atomic
def review_create(
    *,
    actor: User,
    kind: str,
    year: int,
    date: date,
    chair: User,
    month: int | None = None,
    participants: str = "",
) -> ManagementReview:
    _require(actor.has_perm("audits.add_managementreview"))
    if kind == ReviewKind.OPERATIONAL and not month:
        raise ValidationError({"month": _("An operational review is for a month.")})
    if kind == ReviewKind.STRATEGIC:
        month = None
    if date.year != year:
        raise ValidationError({"date": _("The meeting falls within its year.")})
    if kind == ReviewKind.STRATEGIC:
        meeting = StaffMeeting.objects.filter(year=year).first()
        if meeting is not None and date >= meeting.date:
            raise ValidationError(
                {
                    "date": _(
                        "The strategic review is held before the general staff "
                        "meeting (%(date)s)."
                    )
                    % {"date": _date(meeting.date)}
                }
            )
    if (
        ManagementReview.objects.filter(kind=kind, year=year, month=month)
        .exclude(approval_status=ApprovalStatus.SUPERSEDED)
        .exists()
    ):
        raise ValidationError(_("This period's review exists already."))
    assessment = (
        SelfAssessment.objects.filter(year=year).first()
        if kind == ReviewKind.STRATEGIC
        else None
    )
    review = ManagementReview(
        kind=kind,
        year=year,
        month=month,
        date=date,
        chair=chair,
        participants=participants,
        self_assessment=assessment,
    )
    _save(review, actor=actor, reason=_("Planned"))
    return review


@transaction.atomic
def review_hold(
    *, actor: User, review: ManagementReview, minutes: str, participants: str
) -> ManagementReview:
    """Record the meeting as held, with its minutes (planned → held)."""
    _require(actor.has_perm("audits.change_managementreview"))
    review = _lock(review)
    if not minutes.strip():
        raise ValidationError({"minutes": _("Write the minutes of the meeting.")})
    review.minutes = minutes.strip()
    review.participants = participants.strip()
    if review.status == ReviewStatus.HELD:
        if not review.is_editable:
            raise ValidationError(_("Approved minutes are not changed."))
        _save(review, actor=actor, reason=_("Minutes edited"))
        return review
    _move(
        review,
        ReviewStatus.HELD,
        table=ManagementReview.review_transitions,
        actor=actor,
        reason=_("Held"),
    )
    return review


#: The yearly reviews a closed strategic review starts (§4.2.2, §7.4, §5.3,
#: §5.4.1, §7.1, §8.5.1): key, what, and when (month, day of next year).
FOLLOW_UPS = (
    ("manual", gettext_lazy("Annual revision of the quality manual (§4.2.2)"), 1, 31),
    ("suppliers", gettext_lazy("Approve the suppliers list (§7.4)"), 1, 31),
    ("concept", gettext_lazy("Review the development concept (§7.1)"), 1, 15),
    (
        "policy",
        gettext_lazy("Review the quality policy and set the next year's objectives"),
        1,
        31,
    ),
)


@transaction.atomic
def review_close(*, actor: User, review: ManagementReview) -> ManagementReview:
    """Close a held review once its minutes are approved; a strategic review
    starts the yearly reviews that follow it as decisions for their owners."""
    _require(actor.has_perm("audits.change_managementreview"))
    review = _lock(review)
    if review.approval_status != ApprovalStatus.APPROVED:
        raise ValidationError(_("The director approves the minutes first."))
    _move(
        review,
        ReviewStatus.CLOSED,
        table=ManagementReview.review_transitions,
        actor=actor,
        reason=_("Closed"),
    )
    if review.kind == ReviewKind.STRATEGIC:
        owner_qm = (_quality_managers() or [actor])[0]
        director = _director() or actor
        owners = {
            "manual": owner_qm,
            "suppliers": owner_qm,
            "concept": director,
            "policy": director,
        }
        for key, text, month, day in FOLLOW_UPS:
            decision = ReviewDecision(
                review=review,
                area=DecisionArea.QMS,
                text=str(text),
                owner=owners[key],
                due_date=date(review.year + 1, month, day),
                follow_up=key,
            )
            _save(decision, actor=actor, reason=_("Started by the strategic review"))
            _notify_decision(decision)
    return review


def _notify_decision(decision: ReviewDecision) -> None:
    notify(
        recipients=[decision.owner],
        event="audits.decision_assigned",
        target=decision.get_absolute_url(),
        context={"due": _date(decision.due_date), "text": decision.text[:300]},
    )


@transaction.atomic
def decision_add(
    *,
    actor: User,
    review: ManagementReview,
    area: str,
    text: str,
    owner: User,
    due_date: date,
) -> ReviewDecision:
    _require(actor.has_perm("audits.add_reviewdecision"))
    review = _lock(review)
    if review.status == ReviewStatus.CLOSED or not review.is_editable:
        raise ValidationError(_("Decisions are added before the minutes are sent."))
    if due_date < review.date:
        raise ValidationError({"due_date": _("The due date follows the meeting.")})
    decision = ReviewDecision(
        review=review, area=area, text=text.strip(), owner=owner, due_date=due_date
    )
    _save(decision, actor=actor, reason=_("Decided"))
    _notify_decision(decision)
    return decision


def may_complete(user: User, decision: ReviewDecision) -> bool:
    return user.pk == decision.owner_id or user.has_perm("audits.change_reviewdecision")


@transaction.atomic
def decision_move(
    *,
    actor: User,
    decision: ReviewDecision,
    status: str,
    result: str,
    on: date | None = None,
) -> ReviewDecision:
    """Mark a decision done (with its result) or cancelled (with the reason)."""
    decision = _lock(decision)
    _require(may_complete(actor, decision))
    if not result.strip():
        raise ValidationError({"result": _("Say what was done, or why not.")})
    decision.result = result.strip()
    if status == DecisionStatus.DONE:
        decision.done_on = on or timezone.localdate()
    _move(
        decision,
        status,
        table=ReviewDecision.transitions,
        actor=actor,
        reason=str(dict(DecisionStatus.choices).get(status, status)),
    )
    return decision


@transaction.atomic
def decision_raise_action(
    *,
    actor: User,
    decision: ReviewDecision,
    kind: str,
    checker: User,
    check_due: date,
):
    """Open a preventive or improvement CAPA action from a decision."""
    from capa.services import action_create

    decision = _lock(decision)
    _require(actor.has_perm("audits.change_reviewdecision"))
    if decision.capa_action_id:
        raise ValidationError(_("An action was already opened from this decision."))
    if kind not in {"preventive", "improvement"}:
        raise ValidationError({"kind": _("Choose preventive or improvement.")})
    if check_due < decision.due_date:
        raise ValidationError(
            {"check_due": _("The effectiveness check follows the due date.")}
        )
    action = action_create(
        actor=actor,
        kind=kind,
        title=decision.text[:300],
        owner=decision.owner,
        due_date=decision.due_date,
        check_due=check_due,
        checker=checker,
        trigger="meeting",
        trigger_reference=str(decision.review)[:200],
    )
    decision.capa_action = action
    _save(decision, actor=actor, reason=_("CAPA action opened"))
    return action


@transaction.atomic
def decision_request_manual_review(
    *, actor: User, decision: ReviewDecision, reason: str
):
    """A change request on the quality manual in force (§4.2.2)."""
    from documents.models.register import Document, DocumentStatus, DocumentType
    from documents.services.register import change_request_create

    decision = _lock(decision)
    _require(actor.has_perm("audits.change_reviewdecision"))
    if decision.change_request_id:
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
        reason=_("%(review)s: %(reason)s")
        % {"review": decision.review, "reason": reason.strip()},
    )
    decision.change_request = change
    _save(decision, actor=actor, reason=_("Review of the quality manual requested"))
    return change


# --- General staff meeting ---------------------------------------------------


@transaction.atomic
def meeting_save(
    *, actor: User, meeting: StaffMeeting | None = None, **fields
) -> StaffMeeting:
    if meeting is None:
        _require(actor.has_perm("audits.add_staffmeeting"))
        meeting = StaffMeeting(**fields)
        reason = _("Created")
    else:
        _require(actor.has_perm("audits.change_staffmeeting"))
        meeting = _lock(meeting)
        if not meeting.is_editable:
            raise ValidationError(_("Approved minutes are not changed."))
        for name, value in fields.items():
            setattr(meeting, name, value)
        reason = _("Edited")
    if meeting.date and meeting.date.year != meeting.year:
        raise ValidationError({"date": _("The meeting falls within its year.")})
    if meeting.date and meeting.date < last_working_week_start(meeting.year):
        raise ValidationError(
            {
                "date": _(
                    "The general staff meeting is held in the last working week "
                    "of the year (from %(date)s)."
                )
                % {"date": _date(last_working_week_start(meeting.year))}
            }
        )
    _save(meeting, actor=actor, reason=reason)
    return meeting


# --- Self-assessment ---------------------------------------------------------


@transaction.atomic
def criteria_seed(*, actor: User, year: int | None = None) -> int:
    """Seed the criteria (the ДЖ-10 text is not in the manual): one per
    second-level clause 4–8 of ISO 9001:2015, one per quality objective of
    ``year``. Existing codes are kept; returns how many were added."""
    from sapat.quality.models import IsoClause, Objective

    _require(actor.has_perm("audits.add_criterion"))
    year = year or timezone.localdate().year
    existing = set(Criterion.objects.values_list("code", flat=True))
    added = 0
    order = 0
    clauses = [
        c
        for c in IsoClause.objects.filter(edition="2015").order_by("sort_key")
        if c.number.count(".") == 1 and c.number.split(".")[0] in "45678"
    ]
    for clause in clauses:
        order += 1
        code = f"ISO {clause.number}"
        if code in existing:
            continue
        criterion = Criterion(
            code=code, title=clause.title[:300], clause=clause, order=order
        )
        _save(criterion, actor=actor, reason=_("Seeded from the clause register"))
        added += 1
    for objective in Objective.objects.filter(year=year).order_by("pk"):
        order += 1
        code = f"OBJ {year}-{objective.pk}"
        if code in existing:
            continue
        criterion = Criterion(
            code=code[:20],
            title=objective.title[:300],
            guidance=_("Quality objective for %(year)s") % {"year": year},
            order=order,
        )
        _save(criterion, actor=actor, reason=_("Seeded from the quality objectives"))
        added += 1
    return added


@transaction.atomic
def assessment_create(*, actor: User, year: int, due_date: date) -> SelfAssessment:
    """A self-assessment with a row per criterion in use."""
    _require(actor.has_perm("audits.add_selfassessment"))
    if due_date.year != year:
        raise ValidationError({"due_date": _("It is due within its year.")})
    assessment = SelfAssessment(year=year, due_date=due_date)
    _save(assessment, actor=actor, reason=_("Created"))
    criteria = list(Criterion.objects.filter(active=True))
    if not criteria:
        raise ValidationError(_("Add the self-assessment criteria first."))
    for criterion in criteria:
        score = Score(assessment=assessment, criterion=criterion)
        attribute(score, actor=actor, reason=_("Created"))
        score.save()
    return assessment


@transaction.atomic
def score_update(
    *,
    actor: User,
    score: Score,
    value: int | None,
    evidence: str,
    strengths: str,
    improvements: str,
) -> Score:
    _require(actor.has_perm("audits.change_selfassessment"))
    score = _lock(score)
    if not score.assessment.is_editable:
        raise ValidationError(_("Only a draft self-assessment is scored."))
    if value is not None and not evidence.strip():
        raise ValidationError({"evidence": _("A score needs its evidence.")})
    score.score = value
    score.evidence = evidence.strip()
    score.strengths = strengths.strip()
    score.improvements = improvements.strip()
    _save(score, actor=actor, reason=_("Scored"))
    return score


@transaction.atomic
def score_raise_action(
    *, actor: User, score: Score, owner: User, due_date: date, checker: User
):
    """An area for improvement becomes an improvement action (CAPA)."""
    from capa.services import action_create

    _require(actor.has_perm("audits.change_selfassessment"))
    score = _lock(score)
    if score.action_id:
        raise ValidationError(_("An action was already opened for this criterion."))
    if not score.improvements.strip():
        raise ValidationError(_("Write the area for improvement first."))
    action = action_create(
        actor=actor,
        kind="improvement",
        title=score.improvements[:300],
        owner=owner,
        due_date=due_date,
        check_due=due_date + timedelta(days=30),
        checker=checker,
        trigger="data",
        trigger_reference=str(score.assessment)[:200],
    )
    score.action = action
    _save(score, actor=actor, reason=_("Action opened"))
    return action


# --- Handover ----------------------------------------------------------------


def open_work(user: User) -> list[tuple[str, str]]:
    audits = Audit.objects.filter(
        lead_auditor=user,
        status__in=[AuditStatus.PLANNED, AuditStatus.NOTIFIED, AuditStatus.IN_PROGRESS],
    )
    decisions = ReviewDecision.objects.filter(
        owner=user, status=DecisionStatus.OPEN
    ).select_related("review")
    return [(str(a), a.get_absolute_url()) for a in audits] + [
        (str(d), d.get_absolute_url()) for d in decisions
    ]


@transaction.atomic
def hand_over(*, from_user: User, to_user: User, actor: User) -> int:
    moved = 0
    for audit in Audit.objects.select_for_update().filter(
        lead_auditor=from_user,
        status__in=[AuditStatus.PLANNED, AuditStatus.NOTIFIED, AuditStatus.IN_PROGRESS],
    ):
        audit.lead_auditor = to_user
        _save(audit, actor=actor, reason=_("Handed over"))
        moved += 1
    for decision in ReviewDecision.objects.select_for_update().filter(
        owner=from_user, status=DecisionStatus.OPEN
    ):
        decision.owner = to_user
        _save(decision, actor=actor, reason=_("Handed over"))
        moved += 1
    return moved


# --- Reminders ---------------------------------------------------------------


def last_working_week_start(year: int) -> date:
    """The first working day of the last working week of ``year``."""
    from sapat.accounts.calendar import WorkingCalendar

    end = date(year, 12, 31)
    calendar = WorkingCalendar.between(date(year, 12, 1), end)
    last = end
    while not calendar.is_working_day(last):
        last -= timedelta(days=1)
    monday = last - timedelta(days=last.weekday())
    day = monday
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def reminders_send(today: date | None = None) -> int:
    """Daily, idempotent: audits 14 days ahead, the plan to the auditees
    (the lead auditor is reminded), next year's programme in December, the
    self-assessment and the reviews due. Returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    soon = today + timedelta(days=14)
    for audit in Audit.objects.filter(
        status__in=[AuditStatus.PLANNED, AuditStatus.NOTIFIED],
        start_date__gt=today,
        start_date__lte=soon,
    ).select_related("lead_auditor"):
        sent += len(
            notify(
                recipients=[audit.lead_auditor, *audit.auditors.all()],
                event="audits.audit_soon",
                target=audit.get_absolute_url(),
                context={"code": audit.code, "start": _date(audit.start_date)},
                once_key=f"audits.soon.{audit.pk}",
            )
        )
    qms = _quality_managers()
    if (
        today.month == 12
        and not AuditProgramme.objects.filter(year=today.year + 1).exists()
    ):
        sent += len(
            notify(
                recipients=qms,
                event="audits.programme_due",
                target="/audits/",
                context={"year": today.year + 1},
                once_key=f"audits.programme_due.{today.year + 1}.{today.day // 8}",
            )
        )
    staff_week = last_working_week_start(today.year)
    assessment_due = staff_week - timedelta(days=21)
    if (
        today.month >= 11
        and not SelfAssessment.objects.filter(
            year=today.year, approval_status=ApprovalStatus.APPROVED
        ).exists()
    ):
        sent += len(
            notify(
                recipients=qms,
                event="audits.assessment_due",
                target="/audits/assessments/",
                context={"year": today.year, "due": _date(assessment_due)},
                once_key=f"audits.assessment_due.{today.year}.{today.month}",
            )
        )
    director = _director()
    people = qms + ([director] if director else [])
    if (
        today.month == 12
        and not ManagementReview.objects.filter(
            kind=ReviewKind.STRATEGIC, year=today.year
        ).exists()
    ):
        sent += len(
            notify(
                recipients=people,
                event="audits.review_due",
                target="/audits/reviews/",
                context={
                    "title": str(
                        _("strategic review before %(date)s")
                        % {"date": _date(staff_week)}
                    )
                },
                once_key=f"audits.review_due.strategic.{today.year}",
            )
        )
    if (
        today.day >= 20
        and not ManagementReview.objects.filter(
            kind=ReviewKind.OPERATIONAL, year=today.year, month=today.month
        ).exists()
    ):
        sent += len(
            notify(
                recipients=people,
                event="audits.review_due",
                target="/audits/reviews/",
                context={
                    "title": str(
                        _("operational review %(month)02d.%(year)s")
                        % {"month": today.month, "year": today.year}
                    )
                },
                once_key=f"audits.review_due.operational.{today.year}.{today.month}",
            )
        )
    return sent
