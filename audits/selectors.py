"""Read queries of audits, management review and self-assessment."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sapat.access import visible_to
from sapat.quality import evidence

from .models import (
    Audit,
    AuditProgramme,
    AuditStatus,
    DecisionStatus,
    Finding,
    FindingKind,
    ManagementReview,
    ReviewDecision,
    SelfAssessment,
)
from .review_inputs import Period, Section

#: Audits that count as done for coverage and the evidence map.
DONE = (AuditStatus.IN_PROGRESS, AuditStatus.REPORTED)


def audit_list(
    *, user, year: int | None = None, status: str = "", q: str = ""
) -> QuerySet[Audit]:
    queryset = visible_to(user, Audit.objects.all()).select_related(
        "lead_auditor", "programme"
    )
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    if q:
        queryset = queryset.filter(title__icontains=q)
    return queryset.annotate(
        finding_count=Count("findings", distinct=True),
        nc_count=Count(
            "findings",
            filter=Q(findings__kind__in=[FindingKind.MAJOR, FindingKind.MINOR]),
            distinct=True,
        ),
    ).order_by("start_date", "pk")


def review_list(*, user, year: int | None = None) -> QuerySet[ManagementReview]:
    queryset = visible_to(user, ManagementReview.objects.all()).select_related("chair")
    if year:
        queryset = queryset.filter(year=year)
    return queryset.annotate(
        decision_count=Count("decisions", distinct=True),
        open_count=Count(
            "decisions",
            filter=Q(decisions__status=DecisionStatus.OPEN),
            distinct=True,
        ),
    ).order_by("-date", "-pk")


def decision_list(*, user, status: str = "") -> QuerySet[ReviewDecision]:
    reviews = visible_to(user, ManagementReview.objects.all()).values("pk")
    queryset = ReviewDecision.objects.filter(
        Q(review__in=reviews) | Q(owner=user)
    ).select_related("review", "owner", "capa_action", "change_request")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("status", "due_date", "pk")


def audit_detail(pk: int) -> Audit:
    return (
        Audit.objects.select_related("lead_auditor", "programme", "created_by")
        .prefetch_related(
            "processes",
            "clauses",
            "units",
            "auditors",
            Prefetch(
                "findings",
                queryset=Finding.objects.select_related(
                    "clause", "process", "unit", "nonconformity"
                ),
            ),
        )
        .get(pk=pk)
    )


# --- Coverage ----------------------------------------------------------------


@dataclass
class CoverageRow:
    obj: object
    cells: list[list[Audit]] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return any(self.cells)


def coverage(programme: AuditProgramme, *, edition: str | None = None) -> dict:
    """Process cards and clauses × the years of the cycle ending with the
    programme's year: which audits (not cancelled) cover each; gaps are rows
    with no audit. A fixed number of queries."""
    from sapat.quality.models import IsoClause, ProcessCard

    years = list(range(programme.year - programme.cycle_years + 1, programme.year + 1))
    audits = list(
        Audit.objects.filter(year__in=years)
        .exclude(status=AuditStatus.CANCELLED)
        .prefetch_related("processes", "clauses")
    )
    by_process: dict[tuple[int, int], list[Audit]] = defaultdict(list)
    by_clause: dict[tuple[int, int], list[Audit]] = defaultdict(list)
    for audit in audits:
        for card in audit.processes.all():
            by_process[(card.pk, audit.year)].append(audit)
        for clause in audit.clauses.all():
            by_clause[(clause.pk, audit.year)].append(audit)
    cards = ProcessCard.objects.exclude(approval_status="superseded").order_by("code")
    if edition is None:
        edition = (
            IsoClause.objects.order_by("-edition")
            .values_list("edition", flat=True)
            .first()
        )
    clauses = IsoClause.objects.filter(edition=edition).order_by("sort_key")
    process_rows = [
        CoverageRow(card, [by_process.get((card.pk, y), []) for y in years])
        for card in cards
    ]
    clause_rows = [
        CoverageRow(clause, [by_clause.get((clause.pk, y), []) for y in years])
        for clause in clauses
    ]
    return {
        "years": years,
        "edition": edition,
        "processes": process_rows,
        "clauses": clause_rows,
        "process_gaps": sum(1 for r in process_rows if not r.covered),
        "clause_gaps": sum(1 for r in clause_rows if not r.covered),
    }


def audits_per_clause(clause_ids: list[int]) -> dict[int, list[evidence.Evidence]]:
    """Evidence provider: clauses audited in the current cycle (3 years by
    default, the latest programme's cycle)."""
    year = timezone.localdate().year
    cycle = (
        AuditProgramme.objects.filter(year__lte=year)
        .order_by("-year")
        .values_list("cycle_years", flat=True)
        .first()
        or 3
    )
    through = Audit.clauses.through.objects.filter(
        isoclause_id__in=clause_ids,
        audit__status__in=DONE,
        audit__year__gt=year - cycle,
        audit__year__lte=year,
    ).select_related("audit")
    result: dict[int, list[evidence.Evidence]] = {}
    for row in through:
        audit = row.audit
        result.setdefault(row.isoclause_id, []).append(
            evidence.Evidence("audit", audit.code, audit.get_absolute_url())
        )
    return result


# --- Review inputs -----------------------------------------------------------


def input_audits(period: Period) -> Section:
    audits = Audit.objects.filter(
        start_date__range=(period.start, period.end), status__in=DONE
    )
    kinds = dict(
        Finding.objects.filter(audit__in=audits)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    figures = [(_("audits held"), audits.count())]
    figures.append((_("findings"), sum(kinds.values())))
    figures += [(label, kinds.get(value, 0)) for value, label in FindingKind.choices]
    return Section(figures=figures, url=reverse("audits:audit_list"))


def input_capa(period: Period) -> Section:
    from capa.selectors import year_summary

    summary = year_summary(period.year)
    figures = [(_("nonconformities registered"), summary["nc_total"])]
    figures += [(row["label"], row["count"]) for row in summary["nc_by_source"]]
    figures += [
        (_("actions opened"), summary["action_total"]),
        (_("actions closed (checked)"), summary["checked"]),
        (_("of them effective"), summary["effective"]),
    ]
    return Section(
        figures=figures,
        headers=[_("Kind"), *[str(label) for _v, label in summary["action_statuses"]]],
        rows=[[row["label"], *row["cells"]] for row in summary["actions_by_kind"]],
        note=_("Figures for the year %(year)s.") % {"year": period.year},
        url=reverse("capa:index"),
    )


def input_kpis(period: Period) -> Section:
    """Each measured KPI with its latest value in the period, and its status."""
    from sapat.quality.models import Indicator, Measurement

    latest: dict[int, Measurement] = {}
    for m in (
        Measurement.objects.filter(
            period__range=(period.start, period.end), indicator__active=True
        )
        .select_related("indicator", "indicator__process")
        .order_by("indicator_id", "period")
    ):
        latest[m.indicator_id] = m
    counts = dict.fromkeys(Indicator.Status.values, 0)
    rows = []
    for m in sorted(latest.values(), key=lambda m: m.indicator.name):
        status = m.status
        counts[status] += 1
        rows.append(
            [
                m.indicator.name,
                m.indicator.process.code if m.indicator.process else "—",
                m.indicator.target,
                m.value,
                Indicator.Status(status).label,
            ]
        )
    figures = [(_("indicators measured"), len(latest))] + [
        (label, counts[value])
        for value, label in Indicator.Status.choices
        if value != Indicator.Status.NONE
    ]
    return Section(
        figures=figures,
        headers=[_("Indicator"), _("Process"), _("Target"), _("Value"), _("Status")],
        rows=rows,
        url=reverse("quality:index"),
    )


def input_suppliers(period: Period) -> Section:
    from suppliers.selectors import supplier_analysis

    groups = supplier_analysis(period.year)
    rows = [
        [
            str(row.supplier),
            group.label,
            row.evaluations,
            row.average if row.average is not None else "—",
            row.failed,
            row.nonconformities,
        ]
        for group in groups
        for row in group.rows
    ]
    return Section(
        figures=[
            (_("suppliers analysed"), len(rows)),
            (_("failed deliveries"), sum(g.failed for g in groups)),
            (_("supplier nonconformities"), sum(g.nonconformities for g in groups)),
        ],
        headers=[
            _("Supplier"),
            _("Category"),
            _("Evaluations"),
            _("Mean score"),
            _("Failed"),
            _("Nonconformities"),
        ],
        rows=rows,
        note=_("The analysis feeds the approved suppliers list (§7.4)."),
    )


def input_previous(period: Period) -> Section:
    """Decisions of earlier reviews: done, open, overdue."""
    today = timezone.localdate()
    earlier = ReviewDecision.objects.filter(review__date__lt=period.start)
    counts = dict(earlier.order_by().values_list("status").annotate(n=Count("id")))
    open_rows = list(
        earlier.filter(status=DecisionStatus.OPEN)
        .select_related("owner", "review")
        .order_by("due_date")[:50]
    )
    return Section(
        figures=[
            (_("done"), counts.get(DecisionStatus.DONE, 0)),
            (_("open"), counts.get(DecisionStatus.OPEN, 0)),
            (_("overdue"), sum(1 for d in open_rows if d.due_date < today)),
        ],
        headers=[_("Decision"), _("Owner"), _("Due")],
        rows=[[d.text[:120], str(d.owner), d.due_date] for d in open_rows],
        url=reverse("audits:decision_list"),
    )


def input_documents(period: Period) -> Section:
    """Changes that could affect the QMS: revisions and change requests."""
    from documents.models.register import ChangeRequest, DocumentRevision

    return Section(
        figures=[
            (
                _("document revisions approved"),
                DocumentRevision.objects.filter(
                    approved_at__date__range=(period.start, period.end)
                ).count(),
            ),
            (
                _("change requests"),
                ChangeRequest.objects.filter(
                    created_at__date__range=(period.start, period.end)
                ).count(),
            ),
        ]
    )


def input_self_assessment(period: Period) -> Section:
    assessment = SelfAssessment.objects.filter(year=period.year).first()
    if assessment is None:
        return Section(note=_("No self-assessment for this year yet."))
    agg = assessment.scores.aggregate(mean=Avg("score"), n=Count("score"))
    return Section(
        figures=[
            (_("criteria scored"), agg["n"]),
            (
                _("mean score"),
                round(agg["mean"], 2) if agg["mean"] is not None else "—",
            ),
        ],
        note=str(assessment.get_approval_status_display()),
        url=assessment.get_absolute_url(),
    )


def input_personnel(period: Period) -> Section:
    from training.selectors.personnel import qualified_internal_auditors

    return Section(
        figures=[
            (_("qualified internal auditors"), qualified_internal_auditors().count())
        ]
    )


# --- Self-assessment chart ---------------------------------------------------


def assessment_comparison(years: int = 5) -> dict:
    """Mean score per criterion for the last ``years`` self-assessments."""
    from .models import Criterion, Score

    assessments = list(SelfAssessment.objects.order_by("-year")[:years])[::-1]
    means = {
        (row["assessment_id"], row["criterion_id"]): row["score"]
        for row in Score.objects.filter(assessment__in=assessments).values(
            "assessment_id", "criterion_id", "score"
        )
    }
    criteria = list(
        Criterion.objects.filter(scores__assessment__in=assessments).distinct()
    )
    return {
        "years": [a.year for a in assessments],
        "rows": [(c, [means.get((a.pk, c.pk)) for a in assessments]) for c in criteria],
        "totals": [
            _mean([means.get((a.pk, c.pk)) for c in criteria]) for a in assessments
        ],
    }


def _mean(values):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 2) if values else None
