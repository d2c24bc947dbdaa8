"""Read queries of corporate training (ПК-03), scoped to the user in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sapat.access import visible_to
from sapat.signing.models import ApprovalStatus

from ..models.seminars import (
    IndicativePlan,
    Participant,
    Programme,
    Seminar,
    SeminarEvaluation,
    SeminarStatus,
    Topic,
    TopicMark,
    TrainerReview,
    TrainingRequest,
)


def request_list(*, user, q: str = "", status: str = "") -> QuerySet[TrainingRequest]:
    qs = visible_to(user, TrainingRequest.objects.all()).select_related(
        "client", "contact"
    )
    if q:
        qs = qs.filter(Q(topic__icontains=q) | Q(client__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_on", "-id")


def plan_list(*, user) -> QuerySet[IndicativePlan]:
    return visible_to(user, IndicativePlan.objects.all()).order_by(
        "-year", "kind", "number"
    )


def programme_list(*, user, q: str = "", status: str = "") -> QuerySet[Programme]:
    qs = (
        visible_to(user, Programme.objects.all())
        .select_related("request__client")
        .prefetch_related("trainers")
        .annotate(topic_count=Count("topics", distinct=True))
    )
    if q:
        qs = qs.filter(title__icontains=q)
    if status:
        qs = qs.filter(approval_status=status)
    return qs.order_by("-id")


def approved_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(approval_status=ApprovalStatus.APPROVED).order_by(
        "title"
    )


def seminar_list(
    *, user, q: str = "", status: str = "", phase: str = ""
) -> QuerySet[Seminar]:
    today = timezone.localdate()
    qs = (
        visible_to(user, Seminar.objects.all())
        .select_related("programme")
        .annotate(participant_count=Count("participants", distinct=True))
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(venue__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if phase == "upcoming":
        qs = qs.filter(starts_on__gt=today).exclude(
            status__in=[SeminarStatus.DONE, SeminarStatus.CANCELLED]
        )
    elif phase == "in_progress":
        qs = qs.filter(starts_on__lte=today, ends_on__gte=today).exclude(
            status__in=[SeminarStatus.DONE, SeminarStatus.CANCELLED]
        )
    elif phase == "done":
        qs = qs.filter(Q(status=SeminarStatus.DONE) | Q(ends_on__lt=today)).exclude(
            status=SeminarStatus.CANCELLED
        )
    return qs.order_by("-starts_on", "-id")


def calendar(*, user) -> dict[str, list[Seminar]]:
    """Seminars grouped upcoming / in progress / done (cancelled left out)."""
    today = timezone.localdate()
    groups: dict[str, list[Seminar]] = {"upcoming": [], "in_progress": [], "done": []}
    seminars = (
        visible_to(user, Seminar.objects.all())
        .exclude(status=SeminarStatus.CANCELLED)
        .select_related("programme")
        .order_by("starts_on", "id")
    )
    for seminar in seminars:
        groups[seminar.phase(today)].append(seminar)
    groups["done"].reverse()
    return groups


def seminar_detail(*, user, pk: int) -> Seminar:
    return (
        visible_to(user, Seminar.objects.all())
        .select_related("programme", "request__client", "created_by")
        .get(pk=pk)
    )


def programme_progress(seminar: Seminar) -> list[dict]:
    """Each topic of the programme with the days it was marked covered."""
    marks: dict[int, list[TopicMark]] = {}
    for mark in TopicMark.objects.filter(day__seminar=seminar).select_related("day"):
        marks.setdefault(mark.topic_id, []).append(mark)
    return [
        {"topic": topic, "marks": marks.get(topic.pk, [])}
        for topic in seminar.programme.topics.select_related("trainer")
    ]


def seminar_days(seminar: Seminar):
    return seminar.days.prefetch_related(
        Prefetch("marks", queryset=TopicMark.objects.select_related("topic")),
        "present",
    ).order_by("date")


def participants_of(seminar: Seminar):
    return (
        seminar.participants.prefetch_related("days", "scores")
        .select_related("evaluation", "certificate")
        .order_by("name")
    )


def participants_with_evaluation(seminar: Seminar) -> QuerySet[Participant]:
    return seminar.participants.annotate(
        evaluated=Exists(SeminarEvaluation.objects.filter(participant=OuterRef("pk")))
    )


# --- The validation record (§7.5.2) ---------------------------------------------


@dataclass
class Condition:
    label: str
    held: bool
    gaps: list[str] = field(default_factory=list)


def validation_record(*, start: date, end: date) -> list[Condition]:
    """For seminars from ``start`` to ``end``: the five conditions of the
    validated training process, each with its gaps."""
    from sapat.quality.models import ProcessCard
    from suppliers.models import TrainerListEntry, TrainerRequirement

    seminars = list(
        Seminar.objects.filter(starts_on__lte=end, ends_on__gte=start)
        .exclude(status=SeminarStatus.CANCELLED)
        .select_related("programme")
        .prefetch_related("programme__trainers")
        .annotate(
            evaluation_count=Count("participants__evaluation", distinct=True),
        )
        .order_by("starts_on", "id")
    )
    card = ProcessCard.objects.filter(code="ПК-03").first()
    card_gaps = []
    if card is None:
        card_gaps.append(_("There is no process card ПК-03."))
    elif card.approval_status != ApprovalStatus.APPROVED:
        card_gaps.append(
            _("Process card ПК-03 is %(status)s.")
            % {"status": card.get_approval_status_display()}
        )

    programme_gaps = [
        _("%(seminar)s: the programme is not approved.") % {"seminar": s.title}
        for s in seminars
        if s.programme.approval_status
        not in (ApprovalStatus.APPROVED, ApprovalStatus.SUPERSEDED)
    ]

    requirement_gaps = []
    if not TrainerRequirement.objects.filter(active=True).exists():
        requirement_gaps.append(
            _("No qualification requirements for trainers are defined.")
        )

    entries: dict[int, list[TrainerListEntry]] = {}
    for entry in TrainerListEntry.objects.all():
        entries.setdefault(entry.supplier_id, []).append(entry)

    def on_list(supplier_id: int, on: date) -> bool:
        return any(
            e.added_on <= on and (e.removed_on is None or e.removed_on > on)
            for e in entries.get(supplier_id, [])
        )

    surveyed = surveyed_seminars(seminars)
    list_gaps = []
    reviewed = set(TrainerReview.objects.values_list("seminar_id", "trainer_id"))
    evaluation_gaps = []
    for seminar in seminars:
        for trainer in seminar.programme.trainers.all():
            if not on_list(trainer.pk, seminar.starts_on):
                list_gaps.append(
                    _("%(seminar)s: %(trainer)s was not on the approved list.")
                    % {"seminar": seminar.title, "trainer": trainer}
                )
            if (seminar.pk, trainer.pk) not in reviewed:
                evaluation_gaps.append(
                    _("%(seminar)s: no review by the trainer %(trainer)s.")
                    % {"seminar": seminar.title, "trainer": trainer}
                )
        if not seminar.evaluation_count and seminar.pk not in surveyed:
            evaluation_gaps.append(
                _("%(seminar)s: no evaluation by the participants.")
                % {"seminar": seminar.title}
            )
    return [
        Condition(_("The process card ПК-03 is approved"), not card_gaps, card_gaps),
        Condition(
            _("Every seminar has an approved programme"),
            not programme_gaps,
            programme_gaps,
        ),
        Condition(
            _("Qualification requirements for trainers are defined"),
            not requirement_gaps,
            requirement_gaps,
        ),
        Condition(
            _("Trainers come from the approved trainers list"),
            not list_gaps,
            list_gaps,
        ),
        Condition(
            _("Every seminar and every trainer is evaluated"),
            not evaluation_gaps,
            evaluation_gaps,
        ),
    ]


def surveyed_seminars(seminars: list[Seminar]) -> set[int]:
    """Seminars answered in a Satisfaction survey (by the seminar reference)."""
    from ..services.seminars import seminar_reference

    try:
        from satisfaction.models import Survey
    except ImportError:
        return set()
    references = {seminar_reference(s): s.pk for s in seminars}
    answered = Survey.objects.filter(
        seminar_reference__in=list(references), responses__isnull=False
    ).values_list("seminar_reference", flat=True)
    return {references[r] for r in answered}


def seminar_survey(seminar: Seminar):
    """The Satisfaction survey of ``seminar``, if one was sent."""
    from ..services.seminars import seminar_reference

    try:
        from satisfaction.models import Survey
    except ImportError:
        return None
    return Survey.objects.filter(seminar_reference=seminar_reference(seminar)).first()


def topics_for(seminar: Seminar, user) -> QuerySet[Topic]:
    """The topics ``user`` may mark: those they are the trainer of."""
    return seminar.programme.topics.filter(trainer__expert__user=user).order_by("order")
