"""Read queries of the quality app."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from sapat.access import visible_to
from sapat.signing.models import ApprovalStatus

from . import evidence
from .models import (
    DevelopmentConcept,
    Indicator,
    IsoClause,
    Measurement,
    Objective,
    ProcessCard,
    QualityPolicy,
)


def policy_list(*, user) -> QuerySet[QualityPolicy]:
    return visible_to(user, QualityPolicy.objects.all())


def current_policy() -> QualityPolicy | None:
    """The approved policy in force: the newest year not in the future."""
    return (
        QualityPolicy.objects.filter(
            approval_status=ApprovalStatus.APPROVED,
            year__lte=timezone.localdate().year,
        )
        .order_by("-year")
        .first()
        or QualityPolicy.objects.filter(approval_status=ApprovalStatus.APPROVED)
        .order_by("year")
        .first()
    )


def concept_list(*, user) -> QuerySet[DevelopmentConcept]:
    return visible_to(user, DevelopmentConcept.objects.all())


def objective_list(*, user, year: int | None = None) -> QuerySet[Objective]:
    """Objectives per service for all staff; corporate ones where granted."""
    granted = visible_to(user, Objective.objects.all()).values("pk")
    queryset = Objective.objects.filter(
        Q(level=Objective.Level.SERVICE) | Q(pk__in=granted)
    ).select_related("owner")
    if year:
        queryset = queryset.filter(year=year)
    return queryset


def process_list(*, user) -> QuerySet[ProcessCard]:
    return visible_to(user, ProcessCard.objects.all()).select_related("owner", "unit")


def indicator_list(*, user) -> QuerySet[Indicator]:
    """Indicators with their latest value and period (two subqueries)."""
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period")
    return (
        visible_to(user, Indicator.objects.filter(active=True))
        .select_related("owner", "process")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_period=Subquery(latest.values("period")[:1]),
        )
    )


@dataclass
class ClauseRow:
    clause: IsoClause
    evidence: dict[str, list[evidence.Evidence]]
    missing: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return not self.missing


def clause_map(*, edition: str) -> list[ClauseRow]:
    """Every clause of ``edition`` with its evidence and what is missing."""
    clauses = list(
        IsoClause.objects.filter(edition=edition).prefetch_related(
            Prefetch("equivalents", queryset=IsoClause.objects.order_by("sort_key"))
        )
    )
    found = evidence.collect([c.pk for c in clauses])
    required = evidence.required_kinds()
    return [
        ClauseRow(
            clause=clause,
            evidence=found[clause.pk],
            missing=[kind for kind in required if not found[clause.pk][kind]],
        )
        for clause in clauses
    ]


def approved_process_cards_per_clause(clause_ids: list[int]) -> dict:
    """Evidence provider: approved process cards are documents in force."""
    through = ProcessCard.clauses.through.objects.filter(
        isoclause_id__in=clause_ids,
        processcard__approval_status=ApprovalStatus.APPROVED,
    ).select_related("processcard")
    result: dict[int, list[evidence.Evidence]] = {}
    for row in through:
        card = row.processcard
        result.setdefault(row.isoclause_id, []).append(
            evidence.Evidence("document", str(card), card.get_absolute_url())
        )
    return result
