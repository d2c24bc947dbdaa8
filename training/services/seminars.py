"""Every change in corporate training (ПК-03).

Requests, indicative plans, programmes (verified by the trainer, approved by
the director through the approval route), seminars with their days,
participants, topic marks, handouts and tests, evaluations and certificates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Avg, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.accounts.models import User
from sapat.accounts.roles import DIRECTOR, role_members
from sapat.history import attribute
from sapat.notify.events import Event, register
from sapat.notify.services import email_queue, notify
from sapat.signing.models import ApprovalStatus, Meaning
from sapat.signing.services import sign_object, signed_pdf_queue
from sapat.workflow import lock as _lock
from sapat.workflow import move

from ..models.seminars import (
    MEMO_TRANSITIONS,
    PERIOD_COUNT,
    REQUEST_TRANSITIONS,
    SEMINAR_TRANSITIONS,
    Certificate,
    DamagedCopy,
    Handout,
    IndicativePlan,
    MemoStatus,
    Participant,
    PlanPeriod,
    Programme,
    RequestStatus,
    Seminar,
    SeminarDay,
    SeminarEvaluation,
    SeminarQuestion,
    SeminarScore,
    SeminarStatus,
    SeminarTest,
    ServiceMemo,
    Topic,
    TopicMark,
    TrainerReview,
    TrainingRequest,
    period_bounds,
)

register(
    Event(
        "training.topics_unmarked",
        title=gettext_lazy("Mark the topics covered today: %(seminar)s"),
        body=gettext_lazy(
            "At the end of each training day the trainer marks the topics "
            "covered (§7.5.3). Day: %(date)s."
        ),
    )
)
register(
    Event(
        "training.plan_due",
        title=gettext_lazy("Indicative training plan due: %(period)s"),
        body=gettext_lazy(
            "The period starts on %(start)s and has no indicative training "
            "plan yet (ПК-04)."
        ),
    )
)
register(
    Event(
        "training.new_revision",
        title=gettext_lazy("New revision for a scheduled seminar: %(seminar)s"),
        body=gettext_lazy(
            "%(document)s has a new revision in force (%(number)s); the seminar "
            "was scheduled with an older one. Check the materials."
        ),
    )
)
register(
    Event(
        "training.memo_submitted",
        title=gettext_lazy("Service memo to decide: %(handout)s"),
        body=gettext_lazy("The trainer asks to change an approved handout."),
    )
)

#: Days before a period starts when its indicative plan is reminded.
PLAN_REMINDER_DAYS = 14


def _require(actor: User | None, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied


def _save(obj: models.Model, *, actor: User | None, reason: str = "") -> None:
    obj.full_clean()
    attribute(obj, actor=actor, reason=reason)
    obj.save()


def _move(obj, table: dict, new_status: str, *, actor, reason: str) -> None:
    move(obj, new_status, transitions=table)
    attribute(obj, actor=actor, reason=reason)
    obj.save(update_fields=["status"])


def _directors() -> models.QuerySet[User]:
    return role_members(DIRECTOR)


def trainer_users(trainers: Iterable) -> list[User]:
    """The portal accounts of trainers (a supplier's expert record's user)."""
    return [
        t.expert.user
        for t in trainers
        if t.expert_id and t.expert.user_id and t.expert.user.is_active
    ]


def is_trainer_of(user: User, seminar: Seminar) -> bool:
    return seminar.programme.trainers.filter(expert__user=user).exists()


def _check_trainers(trainers: Iterable, *, on: date) -> None:
    from suppliers.selectors import trainers_in_force

    allowed = set(trainers_in_force(on=on).values_list("pk", flat=True))
    refused = [str(t) for t in trainers if t.pk not in allowed]
    if refused:
        raise ValidationError(
            {
                "trainers": _("Not on the approved trainers list in force: %(names)s.")
                % {"names": ", ".join(refused)}
            },
            code="not_on_list",
        )


# --- Requests and indicative plans --------------------------------------------


@transaction.atomic
def request_create(*, actor: User, **fields) -> TrainingRequest:
    _require(actor, "training.add_trainingrequest")
    training_request = TrainingRequest(created_by=actor, **fields)
    _save(training_request, actor=actor, reason=_("Received"))
    return training_request


@transaction.atomic
def request_update(
    *, actor: User, training_request: TrainingRequest, **fields
) -> TrainingRequest:
    _require(actor, "training.change_trainingrequest")
    training_request = _lock(training_request)
    for name, value in fields.items():
        setattr(training_request, name, value)
    _save(training_request, actor=actor, reason=_("Edited"))
    return training_request


@transaction.atomic
def request_decide(
    *, actor: User, training_request: TrainingRequest, accept: bool
) -> TrainingRequest:
    _require(actor, "training.change_trainingrequest")
    training_request = _lock(training_request)
    _move(
        training_request,
        REQUEST_TRANSITIONS,
        RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED,
        actor=actor,
        reason=_("Accepted") if accept else _("Declined"),
    )
    return training_request


@transaction.atomic
def indicative_plan_save(
    *, actor: User, kind: str, year: int, number: int, content: str
) -> IndicativePlan:
    _require(actor, "training.add_indicativeplan")
    plan = IndicativePlan.objects.filter(kind=kind, year=year, number=number).first()
    if plan is None:
        plan = IndicativePlan(kind=kind, year=year, number=number, created_by=actor)
    plan.content = content
    _save(plan, actor=actor, reason=_("Saved"))
    return plan


def _next_periods(today: date) -> list[tuple[str, int, int, date]]:
    """Periods starting within the reminder window after ``today``."""
    found = []
    for kind, count in PERIOD_COUNT.items():
        for year in (today.year, today.year + 1):
            for number in range(1, count + 1):
                start, _end = period_bounds(kind, year, number)
                if today < start <= today + timedelta(days=PLAN_REMINDER_DAYS):
                    found.append((kind, year, number, start))
    return found


def indicative_plans_remind(*, today: date | None = None) -> int:
    """Daily: before each quarter, half-year and year, while it has no
    indicative plan, remind the director (``once_key`` per period)."""
    today = today or timezone.localdate()
    sent = 0
    for kind, year, number, start in _next_periods(today):
        if IndicativePlan.objects.filter(kind=kind, year=year, number=number).exists():
            continue
        label = f"{PlanPeriod(kind).label} {number}/{year}"
        sent += len(
            notify(
                recipients=_directors(),
                event="training.plan_due",
                target=reverse("training:indicative_plan_list"),
                context={"period": str(label), "start": start.isoformat()},
                once_key=f"training:plan:{kind}:{year}:{number}",
            )
        )
    return sent


# --- Programmes -----------------------------------------------------------------


def _editable(programme: Programme) -> None:
    if programme.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(
            _("The programme is %(status)s: only a draft is edited.")
            % {"status": programme.get_approval_status_display()},
            code="not_draft",
        )


@transaction.atomic
def programme_create(
    *,
    actor: User,
    title: str,
    trainers: Iterable,
    aims: str = "",
    request: TrainingRequest | None = None,
    document=None,
) -> Programme:
    _require(actor, "training.add_programme")
    trainers = list(trainers)
    _check_trainers(trainers, on=timezone.localdate())
    revision = None
    if document is not None:
        from documents.services.register import current_revision

        revision = current_revision(document)
    programme = Programme(
        title=title,
        aims=aims,
        request=request,
        document=document,
        revision=revision,
        created_by=actor,
    )
    _save(programme, actor=actor, reason=_("Drafted"))
    programme.trainers.set(trainers)
    return programme


@transaction.atomic
def programme_update(
    *, actor: User, programme: Programme, title: str, aims: str, trainers: Iterable
) -> Programme:
    _require(actor, "training.change_programme")
    programme = _lock(programme)
    _editable(programme)
    trainers = list(trainers)
    _check_trainers(trainers, on=timezone.localdate())
    programme.title = title
    programme.aims = aims
    _save(programme, actor=actor, reason=_("Edited"))
    programme.trainers.set(trainers)
    return programme


@transaction.atomic
def topic_add(
    *, actor: User, programme: Programme, title: str, hours: Decimal, trainer
) -> Topic:
    _require(actor, "training.change_programme")
    programme = _lock(programme)
    _editable(programme)
    if not programme.trainers.filter(pk=trainer.pk).exists():
        raise ValidationError({"trainer": _("Choose one of the programme's trainers.")})
    order = (programme.topics.aggregate(m=models.Max("order"))["m"] or 0) + 1
    topic = Topic(
        programme=programme, order=order, title=title, hours=hours, trainer=trainer
    )
    _save(topic, actor=actor, reason=_("Topic added"))
    attribute(programme, actor=actor, reason=_("Topic added"))
    programme.save()
    return topic


@transaction.atomic
def topic_remove(*, actor: User, topic: Topic) -> None:
    _require(actor, "training.change_programme")
    programme = _lock(topic.programme)
    _editable(programme)
    attribute(topic, actor=actor, reason=_("Removed"))
    topic.delete()
    attribute(programme, actor=actor, reason=_("Topic removed"))
    programme.save()


def programme_verify(*, actor: User, programme: Programme, password: str, request=None):
    """The trainer verifies and signs the programme (§7.3.5)."""
    if not programme.trainers.filter(expert__user=actor).exists():
        raise PermissionDenied
    if programme.approval_status != ApprovalStatus.DRAFT:
        raise ValidationError(_("Only a draft programme is verified."))
    return sign_object(
        obj=programme,
        actor=actor,
        meaning=Meaning.VERIFIED,
        password=password,
        request=request,
    )


# --- Seminars -------------------------------------------------------------------


def _days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


@transaction.atomic
def seminar_create(
    *,
    actor: User,
    programme: Programme,
    title: str,
    starts_on: date,
    ends_on: date,
    venue: str,
    spare_sets: int,
    request: TrainingRequest | None = None,
) -> Seminar:
    """Schedule a seminar of an approved programme, one training day per
    date; its trainers must be on the approved list on the first day."""
    _require(actor, "training.add_seminar")
    if programme.approval_status != ApprovalStatus.APPROVED:
        raise ValidationError(
            {"programme": _("Only an approved programme is delivered.")},
            code="not_approved",
        )
    seminar = Seminar(
        programme=programme,
        request=request or programme.request,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        venue=venue,
        spare_sets=spare_sets,
        created_by=actor,
    )
    seminar.full_clean()
    _check_trainers(list(programme.trainers.all()), on=starts_on)
    _save(seminar, actor=actor, reason=_("Scheduled"))
    for day in _days_between(starts_on, ends_on):
        SeminarDay.objects.create(seminar=seminar, date=day)
    return seminar


def _open(seminar: Seminar) -> None:
    if seminar.status in (SeminarStatus.DONE, SeminarStatus.CANCELLED):
        raise ValidationError(
            _("The seminar is %(status)s.") % {"status": seminar.get_status_display()},
            code="closed",
        )


@transaction.atomic
def seminar_update(*, actor: User, seminar: Seminar, **fields) -> Seminar:
    _require(actor, "training.change_seminar")
    seminar = _lock(seminar)
    _open(seminar)
    for name, value in fields.items():
        setattr(seminar, name, value)
    _save(seminar, actor=actor, reason=_("Edited"))
    return seminar


@transaction.atomic
def seminar_day_add(*, actor: User, seminar: Seminar, day: date) -> SeminarDay:
    _require(actor, "training.change_seminar")
    seminar = _lock(seminar)
    _open(seminar)
    if seminar.days.filter(date=day).exists():
        raise ValidationError({"date": _("This day is already on the list.")})
    seminar_day = SeminarDay(seminar=seminar, date=day)
    _save(seminar_day, actor=actor, reason=_("Day added"))
    return seminar_day


@transaction.atomic
def participant_add(
    *,
    actor: User,
    seminar: Seminar,
    name: str,
    organisation: str,
    email: str = "",
    phone: str = "",
) -> Participant:
    _require(actor, "training.change_seminar")
    seminar = _lock(seminar)
    _open(seminar)
    name, organisation = " ".join(name.split()), " ".join(organisation.split())
    key = (name.casefold(), organisation.casefold())
    # Compared in Python: SQLite folds the case of ASCII letters only.
    if key in {
        (" ".join(n.split()).casefold(), " ".join(o.split()).casefold())
        for n, o in seminar.participants.values_list("name", "organisation")
    }:
        raise ValidationError(
            {"name": _("This participant is already on the list.")},
            code="duplicate",
        )
    participant = Participant(
        seminar=seminar, name=name, organisation=organisation, email=email, phone=phone
    )
    _save(participant, actor=actor, reason=_("Participant added"))
    return participant


@transaction.atomic
def attendance_set(
    *, actor: User, day: SeminarDay, participants: Iterable[Participant]
) -> SeminarDay:
    _require(actor, "training.change_seminar")
    seminar = _lock(day.seminar)
    _open(seminar)
    participants = list(participants)
    if any(p.seminar_id != seminar.pk for p in participants):
        raise ValidationError(_("Only the seminar's participants attend it."))
    present = {p.pk for p in participants}
    for participant in seminar.participants.all():
        attended = participant.days.filter(pk=day.pk).exists()
        if (participant.pk in present) != attended:
            if attended:
                participant.days.remove(day)
            else:
                participant.days.add(day)
            attribute(participant, actor=actor, reason=_("Attendance"))
            participant.save()
    return day


@transaction.atomic
def topics_mark(
    *, actor: User, day: SeminarDay, topics: Iterable[Topic], note: str = ""
) -> list[TopicMark]:
    """The trainer marks the topics covered at the end of the day (§7.5.3).

    Only a topic's own trainer marks it; a topic is marked once per day.
    """
    seminar = day.seminar
    if seminar.status == SeminarStatus.CANCELLED:
        raise ValidationError(_("The seminar is cancelled."))
    day = _lock(day)
    topics = list(topics)
    if not topics:
        raise ValidationError({"topics": _("Choose the topics covered.")})
    marks = []
    for topic in topics:
        if topic.programme_id != seminar.programme_id:
            raise ValidationError({"topics": _("The topic is not in the programme.")})
        if not (topic.trainer.expert_id and topic.trainer.expert.user_id == actor.pk):
            raise ValidationError(
                {
                    "topics": _("Only the topic's trainer marks it: %(topic)s.")
                    % {"topic": topic.title}
                },
                code="not_trainer",
            )
        if day.marks.filter(topic=topic).exists():
            continue
        mark = TopicMark(day=day, topic=topic, marked_by=actor, note=note[:300])
        _save(mark, actor=actor, reason=_("Topic covered"))
        marks.append(mark)
    day.marked_at = timezone.now()
    attribute(day, actor=actor, reason=_("Topics marked"))
    day.save(update_fields=["marked_at"])
    return marks


def topic_marks_remind(*, today: date | None = None) -> int:
    """Every evening: training days of today whose topics are not marked
    remind the seminar's trainers (``once_key`` per day)."""
    today = today or timezone.localdate()
    days = (
        SeminarDay.objects.filter(date=today, marked_at__isnull=True)
        .exclude(seminar__status=SeminarStatus.CANCELLED)
        .select_related("seminar__programme")
        .prefetch_related("seminar__programme__trainers__expert__user")
    )
    sent = 0
    for day in days:
        seminar = day.seminar
        sent += len(
            notify(
                recipients=trainer_users(seminar.programme.trainers.all()),
                event="training.topics_unmarked",
                target=seminar.get_absolute_url(),
                context={"seminar": seminar.title, "date": today.isoformat()},
                once_key=f"training:topics:{day.pk}",
            )
        )
    return sent


@transaction.atomic
def seminar_move(*, actor: User, seminar: Seminar, new_status: str) -> Seminar:
    """Start, finish or cancel a seminar. Finishing sends each participant
    the evaluation questionnaire by link (§8.2.1)."""
    _require(actor, "training.change_seminar")
    seminar = _lock(seminar)
    _move(
        seminar,
        SEMINAR_TRANSITIONS,
        new_status,
        actor=actor,
        reason=str(SeminarStatus(new_status).label),
    )
    if new_status == SeminarStatus.DONE:
        # One questionnaire per participant: the seminar's own evaluation
        # link, which rates each trainer (Satisfaction's generic survey
        # cannot); its answers count as satisfaction data.
        evaluation_invite(seminar=seminar)
    return seminar


def seminar_reference(seminar: Seminar) -> str:
    """How Satisfaction names the seminar in its surveys."""
    return f"SEM-{seminar.pk}: {seminar.title}"[:200]


def evaluation_url(participant: Participant) -> str:
    return settings.SAPAT_BASE_URL.rstrip("/") + reverse(
        "seminar_evaluate", args=[participant.token]
    )


def evaluation_invite(*, seminar: Seminar) -> int:
    """E-mail each participant with an address the link to the
    questionnaire on the seminar and the trainer."""
    sent = 0
    for participant in seminar.participants.exclude(email=""):
        email_queue(
            to=participant.email,
            subject=_("Your evaluation of the seminar: %(title)s")
            % {"title": seminar.title},
            body_text=_(
                "Thank you for taking part. Please evaluate the seminar and the "
                "trainer: %(url)s"
            )
            % {"url": evaluation_url(participant)},
        )
        sent += 1
    return sent


# --- Handouts, memos, damaged copies --------------------------------------------


@transaction.atomic
def handout_add(*, actor: User, seminar: Seminar, document, kind: str) -> Handout:
    """A handout or test: the controlled document's revision in force."""
    from documents.services.register import current_revision

    _require(actor, "training.change_seminar")
    seminar = _lock(seminar)
    _open(seminar)
    revision = current_revision(document)
    if revision is None:
        raise ValidationError(
            {"document": _("The document has no revision in force.")},
            code="no_revision",
        )
    if seminar.handouts.filter(document=document).exists():
        raise ValidationError({"document": _("This document is already a handout.")})
    handout = Handout(seminar=seminar, document=document, revision=revision, kind=kind)
    _save(handout, actor=actor, reason=_("Handout added"))
    return handout


def print_order(seminar: Seminar) -> list[dict]:
    """Copies to print per handout: participants + spare sets, plus the
    damaged copies replaced (§7.5.5)."""
    participants = seminar.participants.count()
    rows = []
    for handout in seminar.handouts.select_related("document", "revision").annotate(
        replaced=Sum("damaged__copies")
    ):
        rows.append(
            {
                "handout": handout,
                "participants": participants,
                "spares": seminar.spare_sets,
                "replaced": handout.replaced or 0,
                "total": participants + seminar.spare_sets + (handout.replaced or 0),
            }
        )
    return rows


@transaction.atomic
def damaged_copy_log(
    *, actor: User, handout: Handout, copies: int, reason: str
) -> DamagedCopy:
    _require(actor, "training.change_seminar")
    damaged = DamagedCopy(
        handout=handout,
        copies=copies,
        reason=reason,
        replaced_on=timezone.localdate(),
        replaced_by=actor,
    )
    _save(damaged, actor=actor, reason=_("Damaged copies replaced"))
    return damaged


@transaction.atomic
def memo_submit(
    *, actor: User, handout: Handout, change: str, cost: Decimal
) -> ServiceMemo:
    """The trainer's service memo on an approved handout (§7.3.7)."""
    if not is_trainer_of(actor, handout.seminar):
        raise PermissionDenied
    memo = ServiceMemo(handout=handout, author=actor, change=change, cost=cost)
    _save(memo, actor=actor, reason=_("Submitted"))
    notify(
        recipients=_directors(),
        event="training.memo_submitted",
        target=handout.seminar.get_absolute_url(),
        context={"handout": str(handout)},
    )
    return memo


@transaction.atomic
def memo_decide(
    *, actor: User, memo: ServiceMemo, accept: bool, decision: str = ""
) -> ServiceMemo:
    """The director decides by feasibility and cost."""
    _require(actor, "training.change_servicememo")
    memo = _lock(memo)
    _move(
        memo,
        MEMO_TRANSITIONS,
        MemoStatus.ACCEPTED if accept else MemoStatus.REFUSED,
        actor=actor,
        reason=decision or (_("Accepted") if accept else _("Refused")),
    )
    memo.decided_by = actor
    memo.decision = decision[:500]
    memo.save(update_fields=["decided_by", "decision"])
    return memo


@transaction.atomic
def handout_revise(*, actor: User, handout: Handout) -> Handout:
    """Take the document's revision now in force for this seminar's handout.

    An approved handout changes only through an accepted service memo,
    which the change then uses up.
    """
    from documents.services.register import current_revision

    _require(actor, "training.change_seminar")
    handout = _lock(handout)
    memo = (
        handout.memos.select_for_update()
        .filter(status=MemoStatus.ACCEPTED)
        .order_by("created_at")
        .first()
    )
    if memo is None:
        raise ValidationError(
            _(
                "An approved handout changes only through the trainer's service "
                "memo accepted by the director."
            ),
            code="no_memo",
        )
    revision = current_revision(handout.document)
    if revision is None or revision.pk == handout.revision_id:
        raise ValidationError(
            _("The document has no newer revision in force."), code="same_revision"
        )
    handout.revision = revision
    _save(handout, actor=actor, reason=_("Revision changed on a service memo"))
    _move(memo, MEMO_TRANSITIONS, MemoStatus.USED, actor=actor, reason=_("Used"))
    _refresh_flag(handout.seminar, actor=actor)
    return handout


def _stale(seminar: Seminar) -> list[str]:
    from documents.services.register import current_revision

    stale = []
    for handout in seminar.handouts.select_related("document", "revision"):
        now = current_revision(handout.document)
        if now is not None and now.pk != handout.revision_id:
            stale.append(
                _("%(document)s: revision %(old)s used, %(new)s in force")
                % {
                    "document": handout.document,
                    "old": handout.revision.number,
                    "new": now.number,
                }
            )
    programme = seminar.programme
    if programme.document_id:
        now = current_revision(programme.document)
        if now is not None and now.pk != programme.revision_id:
            stale.append(
                _("Programme %(document)s: a newer revision is in force")
                % {"document": programme.document}
            )
    return stale


def _refresh_flag(seminar: Seminar, *, actor) -> None:
    seminar = _lock(seminar)
    flag = "; ".join(_stale(seminar))[:500]
    if flag != seminar.revision_flag:
        seminar.revision_flag = flag
        attribute(seminar, actor=actor, reason=_("Impact check"))
        seminar.save(update_fields=["revision_flag"])


def revision_impact(*, revision) -> int:
    """A revision came in force: flag the seminars not yet done that were
    scheduled with an older revision of that document, and tell their
    trainers. Returns how many seminars were flagged."""
    document = revision.document
    seminars = (
        Seminar.objects.filter(
            status__in=[SeminarStatus.PLANNED, SeminarStatus.IN_PROGRESS]
        )
        .filter(
            models.Q(handouts__document=document)
            | models.Q(programme__document=document)
        )
        .distinct()
        .select_related("programme")
    )
    flagged = 0
    for seminar in seminars:
        _refresh_flag(seminar, actor=None)
        seminar.refresh_from_db(fields=["revision_flag"])
        if not seminar.revision_flag:
            continue
        flagged += 1
        notify(
            recipients=trainer_users(
                seminar.programme.trainers.select_related("expert__user")
            ),
            event="training.new_revision",
            target=seminar.get_absolute_url(),
            context={
                "seminar": seminar.title,
                "document": str(document),
                "number": revision.number,
            },
            once_key=f"training:revision:{seminar.pk}:{revision.pk}",
        )
    return flagged


# --- Tests ------------------------------------------------------------------------


@transaction.atomic
def seminar_test_create(
    *, actor: User, seminar: Seminar, title: str, pass_score: int = 0
) -> SeminarTest:
    _require(actor, "training.change_seminar")
    test = SeminarTest(seminar=seminar, title=title, pass_score=pass_score)
    _save(test, actor=actor, reason=_("Created"))
    return test


@transaction.atomic
def question_add(
    *, actor: User, test: SeminarTest, text: str, answer: str, points: int
) -> SeminarQuestion:
    _require(actor, "training.change_seminar")
    order = (test.questions.aggregate(m=models.Max("order"))["m"] or 0) + 1
    question = SeminarQuestion(
        test=test, order=order, text=text, answer=answer, points=points
    )
    _save(question, actor=actor, reason=_("Question added"))
    return question


def max_score(test: SeminarTest) -> int:
    return test.questions.aggregate(s=Sum("points"))["s"] or 0


@transaction.atomic
def scores_set(
    *, actor: User, test: SeminarTest, scores: dict[Participant, int | None]
) -> int:
    """Record each participant's score, from 0 to the test's maximum."""
    _require(actor, "training.change_seminar")
    top = max_score(test)
    if not top:
        raise ValidationError(_("Add the questions before the scores."))
    saved = 0
    for participant, score in scores.items():
        if score is None:
            continue
        if participant.seminar_id != test.seminar_id:
            raise ValidationError(_("Only the seminar's participants are scored."))
        if not 0 <= score <= top:
            raise ValidationError(
                _("A score must be from 0 to %(max)s.") % {"max": top},
                code="score_range",
            )
        row = SeminarScore.objects.filter(test=test, participant=participant).first()
        row = row or SeminarScore(test=test, participant=participant)
        row.score = score
        _save(row, actor=actor, reason=_("Score"))
        saved += 1
    return saved


# --- Evaluation -------------------------------------------------------------------


@transaction.atomic
def evaluation_submit(
    *, token: str, seminar_mark: int, trainer_mark: int, comment: str = ""
) -> SeminarEvaluation:
    """A participant's questionnaire, by the link sent when the seminar
    ended. Once per participant; no account needed."""
    participant = (
        Participant.objects.select_for_update()
        .select_related("seminar")
        .filter(token=token)
        .first()
    )
    if participant is None:
        raise PermissionDenied
    if participant.seminar.status != SeminarStatus.DONE:
        raise ValidationError(_("The questionnaire opens when the seminar ends."))
    if participant.seminar.evaluations_closed_at:
        raise ValidationError(_("The evaluation of this seminar is closed."))
    if SeminarEvaluation.objects.filter(participant=participant).exists():
        raise ValidationError(
            _("You have already evaluated this seminar. Thank you."), code="twice"
        )
    evaluation = SeminarEvaluation(
        participant=participant,
        seminar_mark=seminar_mark,
        trainer_mark=trainer_mark,
        comment=comment,
    )
    _save(evaluation, actor=None, reason=_("Questionnaire"))
    return evaluation


@transaction.atomic
def review_write(
    *, actor: User, seminar: Seminar, mark: int, text: str
) -> list[TrainerReview]:
    """The trainer's own review of the seminar (§8.2.1)."""
    trainers = list(seminar.programme.trainers.filter(expert__user=actor))
    if not trainers:
        raise PermissionDenied
    if seminar.status != SeminarStatus.DONE:
        raise ValidationError(_("The review is written when the seminar ends."))
    reviews = []
    for trainer in trainers:
        review = TrainerReview.objects.filter(seminar=seminar, trainer=trainer).first()
        review = review or TrainerReview(
            seminar=seminar, trainer=trainer, written_by=actor
        )
        review.mark = mark
        review.text = text
        _save(review, actor=actor, reason=_("Trainer's review"))
        reviews.append(review)
    return reviews


def trainer_marks(seminar: Seminar) -> list[dict]:
    """Per trainer: the participants' mean mark and the trainer's own."""
    participants_mean = SeminarEvaluation.objects.filter(
        participant__seminar=seminar
    ).aggregate(t=Avg("trainer_mark"), s=Avg("seminar_mark"), n=models.Count("pk"))
    reviews = {r.trainer_id: r for r in seminar.reviews.all()}
    rows = []
    for trainer in seminar.programme.trainers.all():
        review = reviews.get(trainer.pk)
        values = [v for v in (participants_mean["t"],) if v is not None]
        if review is not None:
            values.append(review.mark)
        mean = (
            (sum(Decimal(str(v)) for v in values) / len(values)).quantize(
                Decimal("0.01")
            )
            if values
            else None
        )
        rows.append(
            {
                "trainer": trainer,
                "participants": participants_mean["t"],
                "review": review,
                "mark": mean,
            }
        )
    return rows


@transaction.atomic
def evaluations_close(*, actor: User, seminar: Seminar) -> int:
    """Close the evaluation and feed each trainer's mark into the supplier
    evaluation (Purchasing's quarterly trainers list review)."""
    from suppliers.services import supplier_evaluation_from_seminar

    _require(actor, "training.change_seminar")
    seminar = _lock(seminar)
    if seminar.status != SeminarStatus.DONE:
        raise ValidationError(_("The seminar has not ended."))
    if seminar.evaluations_closed_at:
        raise ValidationError(_("The evaluation is already closed."))
    if not SeminarEvaluation.objects.filter(participant__seminar=seminar).exists():
        raise ValidationError(_("No participant has evaluated the seminar yet."))
    fed = 0
    for row in trainer_marks(seminar):
        if row["mark"] is None:
            continue
        supplier_evaluation_from_seminar(
            supplier=row["trainer"],
            mark=row["mark"],
            reference=str(seminar)[:200],
            evidence=_("Participants' questionnaires and the trainer's review."),
            evaluated_by=actor,
        )
        fed += 1
    seminar.evaluations_closed_at = timezone.now()
    attribute(seminar, actor=actor, reason=_("Evaluation closed"))
    seminar.save(update_fields=["evaluations_closed_at"])
    return fed


# --- Certificates -----------------------------------------------------------------


def _attended(participant: Participant) -> bool:
    return participant.days.exists()


@transaction.atomic
def certificate_issue(*, actor: User | None, participant: Participant) -> Certificate:
    """A certificate for a participant who attended; refused otherwise.

    Queues its signed PDF (QR code to /verify/); when ready, records control
    files it under the nomenclature item for certificates.
    """
    _require(actor, "training.add_certificate")
    seminar = participant.seminar
    if seminar.status != SeminarStatus.DONE:
        raise ValidationError(_("Certificates are issued when the seminar ends."))
    if not _attended(participant):
        raise ValidationError(
            _("%(name)s did not attend: no certificate.") % {"name": participant.name},
            code="not_attended",
        )
    certificate = Certificate.objects.filter(participant=participant).first()
    if certificate is None:
        certificate = Certificate(
            participant=participant,
            number=f"С-{seminar.starts_on:%Y}-{seminar.pk}-{participant.pk}",
            issued_on=timezone.localdate(),
        )
        _save(certificate, actor=actor, reason=_("Issued"))
    signed_pdf_queue(obj=certificate)
    return certificate


def certificates_issue_all(*, seminar_id: int) -> int:
    """The Celery side: certificates for every participant who attended."""
    seminar = Seminar.objects.get(pk=seminar_id)
    issued = 0
    for participant in seminar.participants.filter(days__isnull=False).distinct():
        certificate_issue(actor=None, participant=participant)
        issued += 1
    return issued


def certificates_request(*, actor: User, seminar: Seminar) -> None:
    """Queue the certificates of the whole group (a Celery task)."""
    from ..tasks import seminar_certificates

    _require(actor, "training.add_certificate")
    if seminar.status != SeminarStatus.DONE:
        raise ValidationError(_("Certificates are issued when the seminar ends."))
    if not seminar.participants.filter(days__isnull=False).exists():
        raise ValidationError(_("Nobody attended: no certificates."))
    transaction.on_commit(lambda: seminar_certificates.delay(seminar.pk))
