"""Read queries of purchasing, used by the views and by other apps.

- :func:`trainers_in_force` — Training chooses trainers only from these.
- :func:`supplier_list_in_force` — the approved suppliers list on a date.
- :func:`supplier_analysis` — the management review's input (§8.4).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from sapat.signing.models import ApprovalStatus

from .models import (
    Category,
    Criterion,
    Evaluation,
    ListChangeProposal,
    ListEntry,
    ProposalStatus,
    Purchase,
    Score,
    Supplier,
    SupplierCategory,
    SupplierList,
    TrainerListEntry,
    TrainerListReview,
    Verification,
)


def supplier_list_in_force(*, on: date | None = None) -> SupplierList | None:
    """The approved suppliers list in force on ``on`` (today): the one most
    recently approved by then. A list is in force from its approval until
    the next one is approved."""
    on = on or timezone.localdate()
    return (
        SupplierList.objects.filter(
            approval_status__in=[ApprovalStatus.APPROVED, ApprovalStatus.SUPERSEDED],
            approved_at__date__lte=on,
        )
        .order_by("-approved_at", "-id")
        .first()
    )


def trainers_in_force(*, on: date | None = None) -> QuerySet[Supplier]:
    """The trainers on the approved trainers list on ``on`` (today), with
    their expert record: the only trainers Training may choose (§7.5.2)."""
    on = on or timezone.localdate()
    entries = TrainerListEntry.objects.filter(added_on__lte=on).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=on)
    )
    return (
        Supplier.objects.filter(pk__in=entries.values("supplier_id"))
        .select_related("expert")
        .order_by("name")
    )


def supplier_list(
    *, user, q: str = "", category: str = "", flagged: bool = False
) -> QuerySet[Supplier]:
    """Suppliers visible to ``user`` (all staff see them), filtered, with
    their categories and latest evaluation total in a fixed number of
    queries."""
    if not user.has_perm("suppliers.view_supplier"):
        return Supplier.objects.none()
    queryset = Supplier.objects.prefetch_related(
        Prefetch(
            "category_rows", queryset=SupplierCategory.objects.order_by("category")
        )
    ).select_related("expert")
    if category:
        queryset = queryset.filter(category_rows__category=category)
    if flagged:
        queryset = queryset.filter(flagged=True)
    if q:
        variants = {q, q.casefold(), q.capitalize(), q.upper()}
        condition = Q()
        for variant in variants:
            condition |= (
                Q(name__contains=variant)
                | Q(tax_id__startswith=variant)
                | Q(contact_person__contains=variant)
            )
        queryset = queryset.filter(condition)
    in_force = supplier_list_in_force()
    approved = (
        ListEntry.objects.filter(supplier_list=in_force, supplier=OuterRef("pk"))
        if in_force
        else ListEntry.objects.none()
    )
    return queryset.annotate(on_list=Exists(approved)).order_by("name")


def supplier_detail(pk: int) -> Supplier:
    return Supplier.objects.select_related("expert", "created_by").get(pk=pk)


def evaluations_of(supplier: Supplier) -> list[Evaluation]:
    return list(
        supplier.evaluations.select_related("evaluated_by").prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion"),
            )
        )
    )


def criteria_by_category() -> list[tuple[str, str, list[Criterion], int]]:
    """``(category, label, criteria in use, weight total)`` per category."""
    grouped = defaultdict(list)
    for criterion in Criterion.objects.filter(active=True):
        grouped[criterion.category].append(criterion)
    return [
        (value, label, grouped[value], sum(c.weight for c in grouped[value]))
        for value, label in Category.choices
    ]


def proposal_list(
    *, user, year: int | None = None, status: str = ""
) -> QuerySet[ListChangeProposal]:
    """Proposals: all of them for whoever decides or views them, else the
    user's own."""
    queryset = ListChangeProposal.objects.select_related(
        "supplier", "proposed_by", "decided_by"
    )
    if not (
        user.has_perm("suppliers.view_listchangeproposal")
        or user.has_perm("suppliers.change_listchangeproposal")
    ):
        queryset = queryset.filter(proposed_by=user)
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-year", "status", "-proposed_at", "-id")


def list_entries(supplier_list: SupplierList) -> list[ListEntry]:
    return list(
        supplier_list.entries.select_related("supplier").order_by(
            "category", "supplier__name"
        )
    )


def pending_count(year: int) -> int:
    return ListChangeProposal.objects.filter(
        year=year, status=ProposalStatus.PENDING
    ).count()


def trainer_entries(*, on: date | None = None) -> QuerySet[TrainerListEntry]:
    """The entries of the trainers list in force, with trainer and expert."""
    on = on or timezone.localdate()
    return (
        TrainerListEntry.objects.filter(added_on__lte=on)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on))
        .select_related("supplier", "supplier__expert", "added_in")
        .order_by("supplier__name")
    )


def review_list() -> QuerySet[TrainerListReview]:
    return (
        TrainerListReview.objects.select_related("reviewed_by")
        .annotate(
            added_count=Count("added", distinct=True),
            removed_count=Count("removed", distinct=True),
        )
        .order_by("-reviewed_on", "-id")
    )


def purchase_list(
    *, user, status: str = "", category: str = "", q: str = ""
) -> QuerySet[Purchase]:
    """Purchases: all for those who buy, else the ones the user requested."""
    queryset = Purchase.objects.select_related("supplier", "requested_by")
    if not user.has_perm("suppliers.view_purchase"):
        queryset = queryset.filter(requested_by=user)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if q:
        variants = {q, q.casefold(), q.capitalize(), q.upper()}
        condition = Q()
        for variant in variants:
            condition |= Q(subject__contains=variant) | Q(
                supplier__name__contains=variant
            )
        queryset = queryset.filter(condition)
    return queryset


def visible_purchase(*, user, pk: int) -> Purchase:
    return purchase_list(user=user).select_related("ordered_by").get(pk=pk)


# --- Supplier analysis (§8.4) -------------------------------------------------------


@dataclass
class AnalysisRow:
    supplier: Supplier
    category: str
    evaluations: int = 0
    average: Decimal | None = None
    purchases: int = 0
    failed: int = 0
    nonconformities: int = 0
    on_list: bool = False

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)


@dataclass
class AnalysisGroup:
    category: str
    label: str
    rows: list[AnalysisRow] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.rows)

    @property
    def nonconformities(self) -> int:
        return sum(r.nonconformities for r in self.rows)


def supplier_analysis(year: int) -> list[AnalysisGroup]:
    """Per category and supplier, over ``year``: evaluations (count and mean
    total), purchases, failed deliveries (verifications failed) and
    nonconformities (raised from the supplier's verifications, purchases or
    the supplier itself, source "supplier"), and whether the supplier is on
    the list in force at the year's end. A fixed number of queries.

    Rows are the suppliers registered in a category or with activity in it
    that year; the audits app reuses this for the management review.
    """
    from capa.models import Nonconformity

    keys: set[tuple[int, str]] = set(
        SupplierCategory.objects.values_list("supplier_id", "category")
    )
    evaluations = {
        (r["supplier_id"], r["category"]): r
        for r in Evaluation.objects.filter(evaluated_on__year=year)
        .values("supplier_id", "category")
        .annotate(n=Count("id"), mean=Avg("total"))
    }
    purchases = {
        (r["supplier_id"], r["category"]): r["n"]
        for r in Purchase.objects.filter(
            requested_on__year=year, supplier__isnull=False
        )
        .values("supplier_id", "category")
        .annotate(n=Count("id"))
    }
    failed = {
        (r["purchase__supplier_id"], r["purchase__category"]): r["n"]
        for r in Verification.objects.filter(verified_on__year=year, passed=False)
        .values("purchase__supplier_id", "purchase__category")
        .annotate(n=Count("id"))
    }
    # Nonconformities of the year that point at a supplier: through a
    # verification, a purchase, or the supplier itself.
    types = ContentType.objects.get_for_models(Verification, Purchase, Supplier)
    raised = list(
        Nonconformity.objects.filter(
            detected_on__year=year,
            origin_type__in=list(types.values()),
        ).values_list("origin_type_id", "origin_id")
    )
    by_type = defaultdict(set)
    for type_id, origin_id in raised:
        by_type[type_id].add(origin_id)
    verification_to = dict(
        Verification.objects.filter(pk__in=by_type[types[Verification].pk]).values_list(
            "pk", "purchase_id"
        )
    )
    purchase_ids = by_type[types[Purchase].pk] | set(verification_to.values())
    purchase_to = {
        pk: (supplier_id, category)
        for pk, supplier_id, category in Purchase.objects.filter(
            pk__in=purchase_ids
        ).values_list("pk", "supplier_id", "category")
    }
    ncs: dict[tuple[int, str], int] = defaultdict(int)
    for type_id, origin_id in raised:
        if type_id == types[Verification].pk:
            key = purchase_to.get(verification_to.get(origin_id))
        elif type_id == types[Purchase].pk:
            key = purchase_to.get(origin_id)
        else:
            key = (origin_id, "")
        if key is not None:
            ncs[key] += 1
    keys |= set(evaluations) | set(purchases) | set(failed)
    keys |= {k for k in ncs if k[1]}
    in_force = supplier_list_in_force(on=date(year, 12, 31))
    listed = (
        set(in_force.entries.values_list("supplier_id", "category"))
        if in_force
        else set()
    )
    suppliers = Supplier.objects.in_bulk({k[0] for k in keys} | {k[0] for k in ncs})
    groups = {
        value: AnalysisGroup(value, str(label)) for value, label in Category.choices
    }
    for supplier_id, category in sorted(
        keys, key=lambda k: (suppliers[k[0]].name, k[1])
    ):
        evaluation = evaluations.get((supplier_id, category), {})
        mean = evaluation.get("mean")
        groups[category].rows.append(
            AnalysisRow(
                supplier=suppliers[supplier_id],
                category=category,
                evaluations=evaluation.get("n", 0),
                average=Decimal(mean).quantize(Decimal("0.01")) if mean else None,
                purchases=purchases.get((supplier_id, category), 0),
                failed=failed.get((supplier_id, category), 0),
                nonconformities=ncs.get((supplier_id, category), 0)
                + ncs.get((supplier_id, ""), 0),
                on_list=(supplier_id, category) in listed,
            )
        )
    return [group for group in groups.values() if group.rows]
