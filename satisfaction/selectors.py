"""Read queries of customer satisfaction: the inbox, the public pages, results.

The inbox is scoped in SQL: the quality manager sees all feedback, the
director complaints and claims, anyone else what is assigned to them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    DIRECTOR_KINDS,
    OPEN_STATUSES,
    SCALES,
    Answer,
    Feedback,
    Invitation,
    Kind,
    Question,
    QuestionKind,
    Reply,
    Response,
    Status,
    Survey,
)
from .services import normalise_code


def visible_feedback(*, user) -> QuerySet[Feedback]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Feedback.objects.none()
    if user.has_perm("satisfaction.view_feedback"):
        return Feedback.objects.all()
    condition = Q(assignee=user)
    if user.has_perm("satisfaction.handle_complaint"):
        condition |= Q(kind__in=DIRECTOR_KINDS)
    return Feedback.objects.filter(condition)


def may_see_inbox(user) -> bool:
    return user.has_perm("satisfaction.view_feedback") or user.has_perm(
        "satisfaction.handle_complaint"
    )


def feedback_list(
    *,
    user,
    q: str = "",
    status: str = "",
    kind: str = "",
    open_only: bool = False,
    overdue: bool = False,
    mine: bool = False,
) -> QuerySet[Feedback]:
    queryset = visible_feedback(user=user).select_related("assignee", "project")
    if status in Status.values:
        queryset = queryset.filter(status=status)
    if kind in Kind.values:
        queryset = queryset.filter(kind=kind)
    if open_only or overdue:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if overdue:
        queryset = queryset.filter(deadline__lt=timezone.localdate())
    if mine:
        queryset = queryset.filter(assignee=user)
    q = q.strip()[:100]
    if q:
        code = normalise_code(q)
        condition = Q(text__icontains=q) | Q(organisation__icontains=q)
        condition |= Q(name__icontains=q)
        if code:
            condition |= Q(code=code)
        queryset = queryset.filter(condition)
    return queryset.annotate(attachment_count=Count("attachments")).order_by(
        "-created_at", "-id"
    )


def feedback_detail(*, user, pk: int) -> Feedback | None:
    return (
        visible_feedback(user=user)
        .select_related(
            "assignee", "project", "nonconformity", "triaged_by", "created_by"
        )
        .prefetch_related(
            "attachments",
            Prefetch("replies", queryset=Reply.objects.select_related("author")),
        )
        .filter(pk=pk)
        .first()
    )


def feedback_by_code(raw: str) -> Feedback | None:
    """The item with this tracking code, or None for anything else.

    A malformed code is None before any query, so the answer never hints
    whether a code exists beyond "found" or "not found".
    """
    code = normalise_code(raw)
    if code is None:
        return None
    return (
        Feedback.objects.prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(internal=False),
                to_attr="public_replies",
            )
        )
        .filter(code=code)
        .first()
    )


def published_questions() -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(
            kind=Kind.QUESTION, may_publish=True, published_at__isnull=False
        )
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(internal=False),
                to_attr="public_replies",
            )
        )
        .order_by("-published_at", "-id")
    )


def inbox_counts(*, user) -> dict:
    today = timezone.localdate()
    visible = visible_feedback(user=user)
    return visible.aggregate(
        received=Count("pk", filter=Q(status=Status.RECEIVED)),
        in_review=Count("pk", filter=Q(status=Status.IN_REVIEW)),
        answered=Count("pk", filter=Q(status=Status.ANSWERED)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
        untriaged=Count("pk", filter=Q(triaged_at__isnull=True)),
    )


def project_feedback(project) -> QuerySet[Feedback]:
    """Complaints and claims about a project, for its status meetings."""
    return Feedback.objects.filter(project=project, kind__in=DIRECTOR_KINDS).order_by(
        "-received_on"
    )


# --- Survey results ------------------------------------------------------------


def rescale(kind: str, value: int) -> float:
    """A scale answer on 0–100: 1–5 → 0, 25 … 100; 0–10 → 0, 10 … 100."""
    if kind == QuestionKind.SCALE5:
        return (value - 1) * 25.0
    return value * 10.0


def nps(values: list[int]) -> float | None:
    """Promoters (9–10) minus detractors (0–6), in % of the answers."""
    if not values:
        return None
    promoters = sum(1 for v in values if v >= 9)
    detractors = sum(1 for v in values if v <= 6)
    return round((promoters - detractors) * 100 / len(values), 1)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


@dataclass
class QuestionResult:
    question: Question
    count: int = 0
    mean: float | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    chart: str = ""


@dataclass
class Results:
    invited: int
    responses: int
    response_rate: float | None
    index: float | None
    nps: float | None
    questions: list[QuestionResult]


def _figures(rows: list[tuple[str, int]]) -> tuple[float | None, float | None]:
    """Satisfaction index and NPS from ``(question kind, value)`` pairs."""
    index = _mean([rescale(kind, value) for kind, value in rows])
    recommend = [value for kind, value in rows if kind == QuestionKind.SCALE10]
    return index, nps(recommend)


def survey_results(survey: Survey) -> Results:
    """Response rate, index, NPS and each question's answers: 4 queries."""
    invited = survey.invitations.count()
    responses = survey.responses.count()
    questions = list(survey.questionnaire.questions.all())
    answers = list(
        Answer.objects.filter(response__survey=survey).values_list(
            "question_id", "value", "choice", "text"
        )
    )
    by_question: dict[int, list] = defaultdict(list)
    for question_id, value, choice, text in answers:
        by_question[question_id].append((value, choice, text))
    results, rows = [], []
    for question in questions:
        given = by_question.get(question.pk, [])
        result = QuestionResult(question=question, count=len(given))
        if question.kind in SCALES:
            values = [v for v, _c, _t in given if v is not None]
            rows.extend((question.kind, v) for v in values)
            counts = Counter(values)
            result.distribution = [
                (str(v), counts.get(v, 0)) for v in SCALES[question.kind]
            ]
            result.mean = _mean([float(v) for v in values])
        elif question.kind == QuestionKind.CHOICE:
            counts = Counter(c for _v, c, _t in given)
            result.distribution = [(c, counts.get(c, 0)) for c in question.choice_list]
        else:
            result.texts = [t for _v, _c, t in given if t]
        results.append(result)
    index, score = _figures(rows)
    rate = round(responses * 100 / invited, 1) if invited else None
    return Results(invited, responses, rate, index, score, results)


def survey_list(*, user) -> QuerySet[Survey]:
    if not user.has_perm("satisfaction.view_survey"):
        return Survey.objects.none()
    return (
        Survey.objects.select_related("questionnaire", "project")
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count("responses", distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def satisfaction_summary(year: int) -> dict:
    """The year's satisfaction data for the management review (§8.2.1).

    Surveys sent, invitations, responses, response rate; satisfaction index
    (0–100) of the scale answers together with the closing-the-loop answers
    (satisfied 100, not 0); NPS; the index by month; feedback by kind,
    complaints answered late, and the share of clients satisfied with how
    their feedback was handled. A fixed number of queries.
    """
    surveys = Survey.objects.filter(created_at__year=year)
    invited = Invitation.objects.filter(survey__in=surveys).count()
    responses = Response.objects.filter(survey__in=surveys).count()
    answers = list(
        Answer.objects.filter(
            response__survey__in=surveys,
            question__kind__in=list(SCALES),
            value__isnull=False,
        ).values_list("question__kind", "value", "response__submitted_at")
    )
    loop = list(
        Feedback.objects.filter(
            satisfied__isnull=False, satisfied_at__year=year
        ).values_list("satisfied", "satisfied_at")
    )
    monthly: dict[int, list[float]] = defaultdict(list)
    points = []
    for kind, value, when in answers:
        score = rescale(kind, value)
        points.append(score)
        monthly[timezone.localtime(when).month].append(score)
    for satisfied, when in loop:
        score = 100.0 if satisfied else 0.0
        points.append(score)
        monthly[timezone.localtime(when).month].append(score)
    feedback = Feedback.objects.filter(received_on__year=year)
    by_kind = dict(
        feedback.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    late = (
        feedback.filter(kind__in=DIRECTOR_KINDS, deadline__isnull=False)
        .filter(
            Q(answered_at__isnull=True, deadline__lt=timezone.localdate())
            | Q(answered_at__date__gt=F("deadline"))
        )
        .count()
    )
    satisfied = sum(1 for s, _w in loop if s)
    return {
        "year": year,
        "surveys": surveys.count(),
        "invited": invited,
        "responses": responses,
        "response_rate": round(responses * 100 / invited, 1) if invited else None,
        "index": _mean(points),
        "nps": nps([v for k, v, _w in answers if k == QuestionKind.SCALE10]),
        "monthly": [(month, _mean(monthly.get(month, []))) for month in range(1, 13)],
        "feedback_by_kind": [(k, by_kind.get(k, 0)) for k in Kind.values],
        "feedback_total": sum(by_kind.values()),
        "complaints_late": late,
        "loop_answers": len(loop),
        "loop_satisfied": round(satisfied * 100 / len(loop), 1) if loop else None,
    }


def year_choices() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 5, -1))
