"""Every change in purchasing (ДЖ-11): suppliers, evaluation, the approved
suppliers and trainers lists, purchases and their verification on receipt.

Hooks for other apps:

- :func:`supplier_evaluation_from_seminar` — Training records a trainer's
  seminar evaluations as an evaluation of the trainer (a low mark flags the
  trainer for re-evaluation);
- ``selectors.trainers_in_force(on=)`` — the trainers Training may choose;
- ``selectors.supplier_analysis(year)`` — the management review's input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.accounts.models import User
from sapat.accounts.roles import DIRECTOR, QUALITY_MANAGER, ROLES_BY_KEY
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import notify
from sapat.signing.models import ApprovalStatus
from sapat.workflow import lock as _lock
from sapat.workflow import move as _move

from .models import (
    NO_EVALUATION,
    PASS_MARK,
    SCORE_MAX,
    SCORE_MIN,
    WEIGHT_TOTAL,
    Category,
    Criterion,
    Evaluation,
    EvaluationBasis,
    ListChangeProposal,
    ListEntry,
    ProposalAction,
    ProposalStatus,
    Purchase,
    PurchaseStatus,
    Score,
    Supplier,
    SupplierCategory,
    SupplierDocument,
    SupplierList,
    TrainerListEntry,
    TrainerListReview,
    TrainerRequirement,
    Verification,
)

for _event in (
    Event(
        "suppliers.proposal_new",
        title=gettext_lazy("Proposal for the suppliers list: %(supplier)s"),
        body=gettext_lazy("%(name)s proposes: %(action)s. Reason: %(reason)s"),
    ),
    Event(
        "suppliers.proposal_decided",
        title=gettext_lazy("Your proposal on %(supplier)s was %(status)s"),
        body=gettext_lazy("%(note)s"),
    ),
    Event(
        "suppliers.delivery_failed",
        title=gettext_lazy("A delivery from %(supplier)s failed the verification"),
        body=gettext_lazy(
            "Purchase %(number)s. Nonconformity %(code)s was raised; the supplier "
            "is marked for re-evaluation."
        ),
    ),
    Event(
        "suppliers.list_due",
        title=gettext_lazy("The approved suppliers list for %(year)s is due"),
        body=gettext_lazy(
            "After the strategic management review: decide the proposals, compile "
            "the list and send it to the director for approval."
        ),
    ),
    Event(
        "suppliers.trainer_review_due",
        title=gettext_lazy("Review the trainers list: quarter %(quarter)s of %(year)s"),
        body=gettext_lazy(
            "The approved trainers list is reviewed every quarter. Record the "
            "review, even when nothing changes."
        ),
    ),
):
    register(_event)


# --- Helpers ----------------------------------------------------------------------


def _require(actor: User | None, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied


def _save(obj: models.Model, *, actor: User | None, reason: str = "") -> None:
    obj.full_clean()
    attribute(obj, actor=actor, reason=reason)
    obj.save()


def _role_members(*keys: str) -> models.QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        groups__name__in=[ROLES_BY_KEY[key].group_name for key in keys],
    ).distinct()


def _category_label(category: str) -> str:
    return str(Category(category).label)


# --- Suppliers --------------------------------------------------------------------

SUPPLIER_FIELDS = (
    "name",
    "kind",
    "tax_id",
    "contact_person",
    "phone",
    "email",
    "address",
    "website",
    "expert",
    "notes",
    "active",
)


def _set_categories(supplier: Supplier, categories: Iterable[str], *, actor) -> None:
    wanted = set(categories)
    if not wanted:
        raise ValidationError({"categories": _("Choose at least one category.")})
    unknown = wanted - set(Category.values)
    if unknown:
        raise ValidationError({"categories": _("Unknown category.")})
    current = {row.category: row for row in supplier.category_rows.all()}
    for category, row in current.items():
        if category not in wanted:
            attribute(row, actor=actor)
            row.delete()
    for category in wanted - set(current):
        row = SupplierCategory(supplier=supplier, category=category)
        attribute(row, actor=actor)
        row.save()


def _check_supplier(supplier: Supplier) -> None:
    if supplier.tax_id:
        twin = Supplier.objects.filter(tax_id=supplier.tax_id).exclude(pk=supplier.pk)
        if twin.exists():
            raise ValidationError(
                {
                    "tax_id": _(
                        "A supplier with this taxpayer number exists: %(name)s."
                    )
                    % {"name": twin.first().name}
                }
            )


@transaction.atomic
def supplier_create(*, actor: User, categories: Iterable[str], **fields) -> Supplier:
    """Register a supplier in one or more purchase categories.

    ``fields`` are among :data:`SUPPLIER_FIELDS`. Requires
    ``suppliers.add_supplier``. Raises ``ValidationError`` for no category
    or a taxpayer number registered already.
    """
    _require(actor, "suppliers.add_supplier")
    supplier = Supplier(created_by=actor, **_only(fields))
    _check_supplier(supplier)
    _save(supplier, actor=actor, reason=_("Registered"))
    _set_categories(supplier, categories, actor=actor)
    return supplier


def _only(fields: dict) -> dict:
    extra = set(fields) - set(SUPPLIER_FIELDS)
    if extra:
        raise TypeError(f"unexpected supplier fields: {sorted(extra)}")
    return fields


@transaction.atomic
def supplier_update(
    *,
    actor: User,
    supplier: Supplier,
    categories: Iterable[str] | None = None,
    **fields,
) -> Supplier:
    """Change a supplier's details and (given) its categories."""
    _require(actor, "suppliers.change_supplier")
    supplier = _lock(supplier)
    for name, value in _only(fields).items():
        setattr(supplier, name, value)
    _check_supplier(supplier)
    _save(supplier, actor=actor, reason=_("Changed"))
    if categories is not None:
        _set_categories(supplier, categories, actor=actor)
    return supplier


@transaction.atomic
def supplier_document_add(
    *,
    actor: User,
    supplier: Supplier,
    title: str,
    upload,
    valid_until: date | None = None,
) -> SupplierDocument:
    """Attach a document (licence, certificate, CV…) to a supplier.

    The file is checked by content and size (``documents.files``); raises
    ``ValidationError`` with the reason and saves nothing otherwise.
    """
    from documents.files import validate_upload

    _require(actor, "suppliers.add_supplierdocument")
    try:
        validate_upload(upload)
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from error
    document = SupplierDocument(
        supplier=supplier,
        title=title.strip(),
        name=upload.name[:255],
        size=upload.size or 0,
        valid_until=valid_until,
        uploaded_by=actor,
    )
    document.file.save(upload.name, upload, save=False)
    _save(document, actor=actor, reason=_("Uploaded"))
    return document


def _flag(supplier: Supplier, *, reason: str, actor: User | None) -> None:
    supplier = _lock(supplier)
    supplier.flagged = True
    supplier.flag_reason = reason[:300]
    attribute(supplier, actor=actor, reason=reason[:100])
    supplier.save(update_fields=["flagged", "flag_reason"])


# --- Criteria and evaluation ------------------------------------------------------


@transaction.atomic
def criteria_set(
    *, actor: User, category: str, rows: Sequence[dict]
) -> list[Criterion]:
    """Replace the criteria in use of ``category``.

    ``rows`` are dicts with ``name``, ``weight`` and optionally ``id`` (an
    existing criterion of the category), ``description`` and ``order``.
    The weights must add up to 100. A criterion left out is retired (kept,
    not in use, since old scores refer to it). Requires
    ``suppliers.change_criterion``; raises ``ValidationError`` and changes
    nothing when the weights do not add up.
    """
    _require(actor, "suppliers.change_criterion")
    if category not in Category.values:
        raise ValidationError(_("Unknown category."))
    rows = [r for r in rows if str(r.get("name", "")).strip()]
    if not rows:
        raise ValidationError(_("Give at least one criterion."))
    total = sum(int(r.get("weight") or 0) for r in rows)
    if total != WEIGHT_TOTAL:
        raise ValidationError(
            _("The weights add up to %(total)s%%; they must add up to %(needed)s%%.")
            % {"total": total, "needed": WEIGHT_TOTAL},
            code="weights",
        )
    existing = {
        c.pk: c for c in Criterion.objects.select_for_update().filter(category=category)
    }
    kept = []
    for order, row in enumerate(rows):
        criterion = existing.get(row.get("id")) if row.get("id") else None
        if criterion is None:
            criterion = Criterion(category=category)
        criterion.name = str(row["name"]).strip()
        criterion.description = str(row.get("description") or "").strip()
        criterion.weight = int(row["weight"])
        criterion.order = row.get("order", order) or order
        criterion.active = True
        _save(criterion, actor=actor)
        kept.append(criterion)
    kept_ids = {c.pk for c in kept}
    for criterion in existing.values():
        if criterion.pk not in kept_ids and criterion.active:
            criterion.active = False
            _save(criterion, actor=actor, reason=_("Retired"))
    return kept


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def evaluation_create(
    *,
    actor: User,
    supplier: Supplier,
    category: str,
    scores: dict[int, int],
    evidence: str,
    basis: str = EvaluationBasis.INITIAL,
    evaluated_on: date | None = None,
    reference: str = "",
    notes: dict[int, str] | None = None,
) -> Evaluation:
    """Score ``supplier`` in ``category`` on every criterion in use.

    ``scores`` maps criterion ids to scores on the fixed scale (1–5). The
    total is the weighted mean, on the same scale; it passes at
    :data:`~suppliers.models.PASS_MARK`. A new evaluation clears the
    supplier's "to be re-evaluated" flag. Requires
    ``suppliers.add_evaluation``. Raises ``ValidationError`` (keys
    ``score_<id>``) for a score outside the scale or missing, for a
    category without criteria or not served by the supplier.
    """
    _require(actor, "suppliers.add_evaluation")
    if category in NO_EVALUATION:
        raise ValidationError(
            _(
                "%(category)s needs no evaluation: ability to fulfil the order and "
                "cost are the criteria."
            )
            % {"category": _category_label(category)}
        )
    if not SupplierCategory.objects.filter(
        supplier=supplier, category=category
    ).exists():
        raise ValidationError(
            _("%(supplier)s is not registered in the category “%(category)s”.")
            % {"supplier": supplier, "category": _category_label(category)}
        )
    criteria = list(Criterion.objects.filter(category=category, active=True))
    if not criteria:
        raise ValidationError(
            _("The category has no evaluation criteria yet: set them first.")
        )
    errors = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None:
            errors[f"score_{criterion.pk}"] = _("Give a score.")
        elif not SCORE_MIN <= int(value) <= SCORE_MAX:
            errors[f"score_{criterion.pk}"] = _(
                "The score must be from %(min)s to %(max)s."
            ) % {"min": SCORE_MIN, "max": SCORE_MAX}
    if errors:
        raise ValidationError(errors)
    if not evidence.strip():
        raise ValidationError({"evidence": _("Say what the scores rest on.")})
    weight_sum = sum(c.weight for c in criteria)
    total = _round(
        Decimal(sum(c.weight * int(scores[c.pk]) for c in criteria)) / weight_sum
    )
    evaluation = Evaluation(
        supplier=supplier,
        category=category,
        basis=basis,
        evaluated_on=evaluated_on or timezone.localdate(),
        evaluated_by=actor,
        evidence=evidence.strip(),
        reference=reference.strip(),
        total=total,
        passed=total >= PASS_MARK,
    )
    _save(evaluation, actor=actor, reason=_("Evaluated"))
    notes = notes or {}
    for criterion in criteria:
        score = Score(
            evaluation=evaluation,
            criterion=criterion,
            weight=criterion.weight,
            score=int(scores[criterion.pk]),
            note=(notes.get(criterion.pk) or "")[:300],
        )
        _save(score, actor=actor)
    _after_evaluation(supplier, evaluation, actor=actor)
    return evaluation


def _after_evaluation(supplier, evaluation: Evaluation, *, actor) -> None:
    supplier = _lock(supplier)
    if evaluation.passed and supplier.flagged:
        supplier.flagged = False
        supplier.flag_reason = ""
        attribute(supplier, actor=actor, reason=_("Re-evaluated"))
        supplier.save(update_fields=["flagged", "flag_reason"])
    elif not evaluation.passed:
        _flag(
            supplier,
            reason=_("Evaluation of %(date)s below the pass mark: %(total)s.")
            % {
                "date": f"{evaluation.evaluated_on:%d.%m.%Y}",
                "total": evaluation.total,
            },
            actor=actor,
        )


@transaction.atomic
def supplier_evaluation_from_seminar(
    *,
    supplier: Supplier,
    mark: Decimal,
    reference: str,
    evidence: str,
    evaluated_by: User,
    evaluated_on: date | None = None,
) -> Evaluation:
    """The hook Training calls after a seminar (§7.5.2, §8.2.1).

    ``mark`` is the trainer's mean mark from the trainees' questionnaires
    and the trainer's review, on the 1–5 scale; ``reference`` names the
    seminar. Records an evaluation of ``supplier`` (an external trainer) in
    the trainers category with basis "seminar"; below the pass mark the
    trainer is flagged for re-evaluation, which the quarterly review of the
    trainers list then sees. Called by the system: no permission check.
    Raises ``ValidationError`` for a mark outside the scale.
    """
    mark = _round(Decimal(mark))
    if not SCORE_MIN <= mark <= SCORE_MAX:
        raise ValidationError(
            _("The mark must be from %(min)s to %(max)s.")
            % {"min": SCORE_MIN, "max": SCORE_MAX}
        )
    evaluation = Evaluation(
        supplier=supplier,
        category=Category.TRAINERS,
        basis=EvaluationBasis.SEMINAR,
        evaluated_on=evaluated_on or timezone.localdate(),
        evaluated_by=evaluated_by,
        evidence=evidence.strip() or reference,
        reference=reference[:200],
        total=mark,
        passed=mark >= PASS_MARK,
    )
    _save(evaluation, actor=None, reason=_("Seminar evaluations"))
    _after_evaluation(supplier, evaluation, actor=None)
    return evaluation


# --- Trainers' qualification ------------------------------------------------------


def trainer_qualification_problems(supplier: Supplier) -> list[str]:
    """Why ``supplier`` cannot be an approved trainer (empty: it can).

    The trainer must serve the trainers category, be linked to an active
    record of the experts database, and hold every trainer requirement in
    use (a field of expertise at the minimum level, §7.5.2).
    """
    from training.models import ExpertArea

    problems = []
    if not SupplierCategory.objects.filter(
        supplier=supplier, category=Category.TRAINERS
    ).exists():
        problems.append(
            _("%(name)s is not registered as an external trainer.")
            % {"name": supplier.name}
        )
    expert = supplier.expert
    if expert is None or not expert.active:
        problems.append(
            _("%(name)s has no active record in the experts database.")
            % {"name": supplier.name}
        )
        return problems
    levels = dict(
        ExpertArea.objects.filter(expert=expert).values_list("area_id", "level")
    )
    for requirement in TrainerRequirement.objects.filter(active=True).select_related(
        "area"
    ):
        held = levels.get(requirement.area_id)
        if held is None or held < requirement.min_level:
            problems.append(
                _("%(area)s: level %(needed)s needed, %(held)s held.")
                % {
                    "area": requirement.area.name,
                    "needed": requirement.min_level,
                    "held": held or _("none"),
                }
            )
    return problems


def _require_qualified(supplier: Supplier, *, field: str) -> None:
    problems = trainer_qualification_problems(supplier)
    if problems:
        raise ValidationError(
            {
                field: _("The trainer does not meet the requirements: %(problems)s")
                % {"problems": " ".join(problems)}
            }
        )


@transaction.atomic
def trainer_requirement_save(
    *,
    actor: User,
    area,
    min_level: int,
    note: str = "",
    active: bool = True,
    requirement: TrainerRequirement | None = None,
) -> TrainerRequirement:
    """Add or change a qualification requirement for trainers."""
    _require(actor, "suppliers.change_trainerrequirement")
    if requirement is None:
        requirement = TrainerRequirement.objects.filter(area=area).first()
    requirement = requirement or TrainerRequirement(area=area)
    requirement.area = area
    requirement.min_level = min_level
    requirement.note = note
    requirement.active = active
    _save(requirement, actor=actor)
    return requirement


# --- The approved suppliers list --------------------------------------------------


def next_list_year(today: date | None = None) -> int:
    """The year proposals go to by default: the draft list's, else next year's."""
    today = today or timezone.localdate()
    draft = (
        SupplierList.objects.filter(
            approval_status=ApprovalStatus.DRAFT, year__gte=today.year
        )
        .order_by("year")
        .first()
    )
    return draft.year if draft else today.year + 1


def _list_open_for(year: int) -> None:
    current = SupplierList.objects.filter(year=year).first()
    if current is not None and current.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(
            {
                "year": _(
                    "The list of %(year)s is %(status)s: propose for the next year."
                )
                % {"year": year, "status": current.get_approval_status_display()}
            }
        )


def base_list(year: int) -> SupplierList | None:
    """The approved list a year's list starts from: the newest before it."""
    return (
        SupplierList.objects.filter(
            year__lt=year,
            approval_status__in=[ApprovalStatus.APPROVED, ApprovalStatus.SUPERSEDED],
        )
        .order_by("-year")
        .first()
    )


@transaction.atomic
def proposal_create(
    *,
    actor: User,
    supplier: Supplier,
    category: str,
    action: str,
    reason: str,
    year: int | None = None,
) -> ListChangeProposal:
    """Propose adding ``supplier`` to (or removing it from) a year's list.

    Goes to the quality representative (notified). A trainer proposed for
    the list must meet the trainer requirements. Refused for a year whose
    list is already sent or approved, for a duplicate pending proposal, for
    a supplier not registered in the category, or for removing a supplier
    not on the list it starts from.
    """
    _require(actor, "suppliers.add_listchangeproposal")
    year = year or next_list_year()
    _list_open_for(year)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    if action == ProposalAction.ADD:
        if not SupplierCategory.objects.filter(
            supplier=supplier, category=category
        ).exists():
            raise ValidationError(
                {
                    "category": _(
                        "%(supplier)s is not registered in the category “%(category)s”."
                    )
                    % {"supplier": supplier, "category": _category_label(category)}
                }
            )
        if category == Category.TRAINERS:
            _require_qualified(supplier, field="supplier")
    else:
        base = base_list(year)
        if (
            base is None
            or not base.entries.filter(supplier=supplier, category=category).exists()
        ):
            raise ValidationError(
                {
                    "supplier": _("%(supplier)s is not on the list.")
                    % {"supplier": supplier}
                }
            )
    if ListChangeProposal.objects.filter(
        year=year,
        supplier=supplier,
        category=category,
        status=ProposalStatus.PENDING,
    ).exists():
        raise ValidationError(
            {"supplier": _("A proposal on this supplier awaits a decision already.")}
        )
    proposal = ListChangeProposal(
        year=year,
        supplier=supplier,
        category=category,
        action=action,
        reason=reason.strip(),
        proposed_by=actor,
    )
    _save(proposal, actor=actor, reason=_("Proposed"))
    notify(
        recipients=[u for u in _role_members(QUALITY_MANAGER) if u.pk != actor.pk],
        event="suppliers.proposal_new",
        target=proposal.get_absolute_url(),
        context={
            "supplier": supplier.name,
            "name": actor.get_full_name(),
            "action": str(proposal.get_action_display()),
            "reason": proposal.reason[:300],
        },
    )
    return proposal


@transaction.atomic
def proposal_decide(
    *, actor: User, proposal: ListChangeProposal, accept: bool, note: str = ""
) -> ListChangeProposal:
    """The quality representative accepts or rejects a proposal, once.

    Accepting an addition in a category that needs evaluation requires a
    passed evaluation of the supplier in it (its latest); a trainer must
    meet the trainer requirements. A rejection needs a note. Refused once
    the year's list has left draft. Notifies the proposer.
    """
    _require(actor, "suppliers.change_listchangeproposal")
    proposal = _lock(proposal)
    _list_open_for(proposal.year)
    if not accept and not note.strip():
        raise ValidationError({"note": _("Say why the proposal is rejected.")})
    if accept and proposal.action == ProposalAction.ADD:
        if proposal.category not in NO_EVALUATION:
            latest = (
                Evaluation.objects.filter(
                    supplier=proposal.supplier, category=proposal.category
                )
                .order_by("-evaluated_on", "-id")
                .first()
            )
            if latest is None or not latest.passed:
                raise ValidationError(
                    {
                        "note": _(
                            "%(supplier)s has no passed evaluation in this category: "
                            "evaluate it first."
                        )
                        % {"supplier": proposal.supplier}
                    }
                )
        if proposal.category == Category.TRAINERS:
            _require_qualified(proposal.supplier, field="note")
    _move(proposal, ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED)
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note.strip()
    _save(
        proposal,
        actor=actor,
        reason=_("Accepted") if accept else _("Rejected"),
    )
    notify(
        recipients=[proposal.proposed_by],
        event="suppliers.proposal_decided",
        target=proposal.get_absolute_url(),
        context={
            "supplier": proposal.supplier.name,
            "status": str(proposal.get_status_display()),
            "note": proposal.decision_note[:300],
        },
    )
    return proposal


@transaction.atomic
def supplier_list_compile(
    *, actor: User, year: int, notes: str | None = None
) -> SupplierList:
    """Compile (or compile again) the draft list of ``year``.

    The rows are the previous approved list's, plus the accepted additions
    and minus the accepted removals proposed for ``year``. Creates the draft
    when there is none. Refused for a list sent for approval or approved.
    """
    _require(actor, "suppliers.change_supplierlist")
    supplier_list = SupplierList.objects.select_for_update().filter(year=year).first()
    if supplier_list is None:
        _require(actor, "suppliers.add_supplierlist")
        supplier_list = SupplierList(year=year)
    elif supplier_list.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(
            _("The list of %(year)s is %(status)s: only a draft is compiled.")
            % {"year": year, "status": supplier_list.get_approval_status_display()}
        )
    rows: dict[tuple[int, str], str] = {}
    base = base_list(year)
    if base is not None:
        for entry in base.entries.all():
            rows[(entry.supplier_id, entry.category)] = entry.note
    accepted = ListChangeProposal.objects.filter(
        year=year, status=ProposalStatus.ACCEPTED
    ).order_by("decided_at", "id")
    for proposal in accepted:
        key = (proposal.supplier_id, proposal.category)
        if proposal.action == ProposalAction.ADD:
            rows[key] = rows.get(key, "")
        else:
            rows.pop(key, None)
    if notes is not None:
        supplier_list.notes = notes
    supplier_list.compiled_at = timezone.now()
    supplier_list.compiled_by = actor
    _save(supplier_list, actor=actor, reason=_("Compiled"))
    current = {(e.supplier_id, e.category): e for e in supplier_list.entries.all()}
    for key, entry in current.items():
        if key not in rows:
            attribute(entry, actor=actor)
            entry.delete()
    for key, note in rows.items():
        if key not in current:
            entry = ListEntry(
                supplier_list=supplier_list,
                supplier_id=key[0],
                category=key[1],
                note=note,
            )
            attribute(entry, actor=actor)
            entry.save()
    return supplier_list


def supplier_list_problems(supplier_list: SupplierList) -> list[str]:
    """Why the list cannot go to the director yet (empty: it can).

    Names every proposal for its year still awaiting a decision, and
    those accepted after the list was last compiled.
    """
    problems = []
    pending = list(
        ListChangeProposal.objects.filter(
            year=supplier_list.year, status=ProposalStatus.PENDING
        ).select_related("supplier")
    )
    if pending:
        problems.append(
            _("Proposals awaiting a decision: %(proposals)s.")
            % {"proposals": "; ".join(str(p) for p in pending)}
        )
    if supplier_list.compiled_at is None:
        problems.append(_("Compile the list first."))
    else:
        late = list(
            ListChangeProposal.objects.filter(
                year=supplier_list.year,
                status=ProposalStatus.ACCEPTED,
                decided_at__gt=supplier_list.compiled_at,
            ).select_related("supplier")
        )
        if late:
            problems.append(
                _(
                    "Accepted after the list was compiled: %(proposals)s; compile "
                    "it again."
                )
                % {"proposals": "; ".join(str(p) for p in late)}
            )
        if not supplier_list.entries.exists():
            problems.append(_("The list is empty."))
    return problems


def on_supplier_list_approved(supplier_list: SupplierList, *, actor=None) -> None:
    """Inside the approving transaction: the older approved lists are
    superseded. Refuses (rolling the approval back) if proposals for the
    year were left undecided."""
    from sapat.signing.services import approvable_supersede

    problems = supplier_list_problems(supplier_list)
    if problems:
        raise ValidationError(" ".join(problems), code="not_ready")
    for older in SupplierList.objects.filter(
        approval_status=ApprovalStatus.APPROVED, year__lt=supplier_list.year
    ):
        approvable_supersede(obj=older, actor=actor)


# --- The approved trainers list ---------------------------------------------------


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


@transaction.atomic
def trainer_review_record(
    *,
    actor: User,
    add: Iterable[Supplier] = (),
    remove: Iterable[Supplier] = (),
    removal_reason: str = "",
    notes: str = "",
    reviewed_on: date | None = None,
) -> TrainerListReview:
    """Record a review of the trainers list; no approval follows (§7.4).

    Adds the trainers in ``add`` (each must meet the trainer requirements
    and not be on the list) and removes those in ``remove`` (each on the
    list; ``removal_reason`` required). A review that changes nothing is
    still recorded: it is the quarter's evidence. Requires
    ``suppliers.add_trainerlistreview``.
    """
    _require(actor, "suppliers.add_trainerlistreview")
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("The date cannot be in the future.")})
    add, remove = list(add), list(remove)
    if {s.pk for s in add} & {s.pk for s in remove}:
        raise ValidationError(_("A trainer cannot be added and removed at once."))
    open_entries = {
        e.supplier_id: e
        for e in TrainerListEntry.objects.select_for_update().filter(
            removed_on__isnull=True
        )
    }
    errors = []
    for supplier in add:
        if supplier.pk in open_entries:
            errors.append(
                _("%(name)s is on the list already.") % {"name": supplier.name}
            )
        else:
            problems = trainer_qualification_problems(supplier)
            if problems:
                errors.append(
                    _("%(name)s does not meet the requirements: %(problems)s")
                    % {"name": supplier.name, "problems": " ".join(problems)}
                )
    if errors:
        raise ValidationError({"add": errors})
    missing = [s.name for s in remove if s.pk not in open_entries]
    if missing:
        raise ValidationError(
            {"remove": _("Not on the list: %(names)s.") % {"names": ", ".join(missing)}}
        )
    if remove and not removal_reason.strip():
        raise ValidationError({"removal_reason": _("Say why they are removed.")})
    review = TrainerListReview(
        year=reviewed_on.year,
        quarter=quarter_of(reviewed_on),
        reviewed_on=reviewed_on,
        reviewed_by=actor,
        notes=notes.strip(),
    )
    _save(review, actor=actor, reason=_("Reviewed"))
    for supplier in remove:
        entry = open_entries[supplier.pk]
        if entry.added_on > reviewed_on:
            raise ValidationError(
                {"reviewed_on": _("The review is dated before the trainer was added.")}
            )
        entry.removed_on = reviewed_on
        entry.removed_in = review
        entry.removal_reason = removal_reason.strip()[:300]
        _save(entry, actor=actor, reason=_("Removed by the review"))
    for supplier in add:
        entry = TrainerListEntry(
            supplier=supplier, added_on=reviewed_on, added_in=review
        )
        _save(entry, actor=actor, reason=_("Added by the review"))
    return review


# --- Purchases --------------------------------------------------------------------


def purchase_supplier_problems(
    supplier: Supplier, category: str, *, on: date | None = None
) -> list[str]:
    """Why ``supplier`` may not be used for a purchase in ``category``.

    Printing and administrative goods are bought from anyone (an active
    supplier). Every other category only from the approved suppliers list
    in force in that category; an external trainer may also come from the
    approved trainers list in force.
    """
    from .selectors import supplier_list_in_force, trainers_in_force

    on = on or timezone.localdate()
    if not supplier.active:
        return [_("%(name)s is not an active supplier.") % {"name": supplier.name}]
    if category in NO_EVALUATION:
        return []
    in_force = supplier_list_in_force(on=on)
    if (
        in_force is not None
        and in_force.entries.filter(supplier=supplier, category=category).exists()
    ):
        return []
    if (
        category == Category.TRAINERS
        and trainers_in_force(on=on).filter(pk=supplier.pk).exists()
    ):
        return []
    return [
        _(
            "%(name)s is not on the approved suppliers list in force for "
            "“%(category)s”: this category buys only from approved suppliers."
        )
        % {"name": supplier.name, "category": _category_label(category)}
    ]


def _check_supplier_for(supplier: Supplier | None, category: str) -> None:
    if supplier is None:
        return
    problems = purchase_supplier_problems(supplier, category)
    if problems:
        raise ValidationError({"supplier": problems})


@transaction.atomic
def purchase_request(
    *,
    actor: User,
    category: str,
    subject: str,
    description: str = "",
    amount: Decimal | None = None,
    needed_by: date | None = None,
    supplier: Supplier | None = None,
) -> Purchase:
    """Request a purchase; the supplier may be named now or at the order.

    A named supplier must be allowed for the category
    (:func:`purchase_supplier_problems`). Requires ``suppliers.add_purchase``.
    """
    _require(actor, "suppliers.add_purchase")
    _check_supplier_for(supplier, category)
    purchase = Purchase(
        category=category,
        subject=subject.strip(),
        description=description.strip(),
        amount=amount,
        needed_by=needed_by,
        supplier=supplier,
        requested_by=actor,
    )
    _save(purchase, actor=actor, reason=_("Requested"))
    return purchase


@transaction.atomic
def purchase_order(
    *,
    actor: User,
    purchase: Purchase,
    supplier: Supplier,
    order_reference: str = "",
    ordered_on: date | None = None,
    amount: Decimal | None = None,
) -> Purchase:
    """Order from ``supplier`` (requested → ordered, or a replacement
    delivery after a failed verification). The supplier must be allowed for
    the category. Requires ``suppliers.change_purchase``."""
    _require(actor, "suppliers.change_purchase")
    purchase = _lock(purchase)
    _move(purchase, PurchaseStatus.ORDERED)
    _check_supplier_for(supplier, purchase.category)
    purchase.supplier = supplier
    purchase.order_reference = order_reference.strip()
    purchase.ordered_on = ordered_on or timezone.localdate()
    purchase.ordered_by = actor
    if amount is not None:
        purchase.amount = amount
    _save(purchase, actor=actor, reason=_("Ordered"))
    return purchase


@transaction.atomic
def purchase_verify(
    *,
    actor: User,
    purchase: Purchase,
    passed: bool,
    findings: str,
    verified_on: date | None = None,
    severity: str = "minor",
) -> Verification:
    """Verify a delivery on receipt (§7.4.3): ordered → accepted or failed.

    A failed verification raises a nonconformity through
    ``capa.services.nonconformity_raise`` (source "supplier", origin the
    verification, whose ``nonconformity`` then points to it), flags the
    supplier for re-evaluation and notifies the quality managers. Requires
    ``suppliers.add_verification``.
    """
    from capa.services import nonconformity_raise

    _require(actor, "suppliers.add_verification")
    purchase = _lock(purchase)
    _move(purchase, PurchaseStatus.ACCEPTED if passed else PurchaseStatus.FAILED)
    if not findings.strip():
        raise ValidationError({"findings": _("Say what was checked and found.")})
    verification = Verification(
        purchase=purchase,
        verified_on=verified_on or timezone.localdate(),
        verified_by=actor,
        passed=passed,
        findings=findings.strip(),
    )
    _save(verification, actor=actor, reason=_("Verified on receipt"))
    _save(
        purchase,
        actor=actor,
        reason=_("Accepted on receipt") if passed else _("Failed the verification"),
    )
    if passed:
        return verification
    supplier = purchase.supplier
    nonconformity = nonconformity_raise(
        actor=actor,
        source="supplier",
        description=_(
            "The delivery of purchase %(number)s (%(subject)s) from %(supplier)s "
            "failed the verification on receipt: %(findings)s"
        )
        % {
            "number": purchase.number,
            "subject": purchase.subject,
            "supplier": supplier.name,
            "findings": verification.findings,
        },
        detected_on=verification.verified_on,
        severity=severity,
        affected=str(purchase)[:300],
        origin=verification,
    )
    verification.nonconformity = nonconformity
    attribute(verification, actor=actor, reason=nonconformity.code)
    verification.save(update_fields=["nonconformity"])
    _flag(
        supplier,
        reason=_("Delivery %(number)s failed the verification (%(code)s).")
        % {"number": purchase.number, "code": nonconformity.code},
        actor=actor,
    )
    notify(
        recipients=[u for u in _role_members(QUALITY_MANAGER) if u.pk != actor.pk],
        event="suppliers.delivery_failed",
        target=purchase.get_absolute_url(),
        context={
            "supplier": supplier.name,
            "number": purchase.number,
            "code": nonconformity.code,
        },
    )
    return verification


@transaction.atomic
def purchase_cancel(*, actor: User, purchase: Purchase, reason: str) -> Purchase:
    """Cancel a purchase not yet accepted. The requester may cancel their own
    request; otherwise ``suppliers.change_purchase`` is needed."""
    purchase = _lock(purchase)
    own_request = (
        purchase.requested_by_id == actor.pk
        and purchase.status == PurchaseStatus.REQUESTED
    )
    if not own_request:
        _require(actor, "suppliers.change_purchase")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it is cancelled.")})
    _move(purchase, PurchaseStatus.CANCELLED)
    purchase.cancel_reason = reason.strip()[:300]
    _save(purchase, actor=actor, reason=_("Cancelled"))
    return purchase


# --- Reminders --------------------------------------------------------------------


def supplier_list_remind(*, today: date | None = None) -> int:
    """Daily: in December (after the strategic management review) and, if
    still not approved, in January, remind the quality managers and the
    director that the year's suppliers list is due. Once a month at most
    (``once_key``). Returns the number of notifications."""
    today = today or timezone.localdate()
    if today.month == 12:
        year = today.year + 1
    elif today.month == 1:
        year = today.year
    else:
        return 0
    if SupplierList.objects.filter(
        year=year, approval_status=ApprovalStatus.APPROVED
    ).exists():
        return 0
    return len(
        notify(
            recipients=_role_members(QUALITY_MANAGER, DIRECTOR),
            event="suppliers.list_due",
            target="/suppliers/lists/",
            context={"year": year},
            once_key=f"suppliers:list-due:{year}:{today:%Y-%m}",
        )
    )


def trainer_review_remind(*, today: date | None = None) -> int:
    """Daily: once a quarter, while the quarter has no review of the trainers
    list, remind the director and the quality managers (``once_key``)."""
    today = today or timezone.localdate()
    quarter = quarter_of(today)
    if TrainerListReview.objects.filter(year=today.year, quarter=quarter).exists():
        return 0
    return len(
        notify(
            recipients=_role_members(DIRECTOR, QUALITY_MANAGER),
            event="suppliers.trainer_review_due",
            target="/suppliers/trainers/",
            context={"year": today.year, "quarter": quarter},
            once_key=f"suppliers:trainer-review:{today.year}-Q{quarter}",
        )
    )
