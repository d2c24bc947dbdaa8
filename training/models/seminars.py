"""Corporate training (ПК-03): requests, plans, programmes, seminars.

The agency's second service and its one validated process (§7.5.2): every
seminar has a programme the trainer verified and the director approved,
trainers come from the approved trainers list in force (Purchasing), the
trainer marks the topics covered each day (§7.5.3), handouts and tests are
controlled documents printed for the participants plus 2 to 5 spare sets
(§7.5.5), and every seminar and trainer is evaluated (§8.2.1).
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sapat.signing.models import Approvable, Signable

#: Spare sets of handouts printed beyond one per participant (§7.5.5).
SPARES_MIN = 2
SPARES_MAX = 5
MARK_MIN = 1
MARK_MAX = 5


def _token() -> str:
    return secrets.token_urlsafe(24)


# --- Requests and indicative plans --------------------------------------------


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.RECEIVED: frozenset({RequestStatus.ACCEPTED, RequestStatus.DECLINED}),
    RequestStatus.ACCEPTED: frozenset(),
    RequestStatus.DECLINED: frozenset(),
}


class TrainingRequest(models.Model):
    """A client's application for a seminar (§7.2.1) with its requirements
    and the contract's technical conditions (§7.3.2)."""

    client = models.ForeignKey(
        "projects.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="training_requests",
    )
    contact = models.ForeignKey(
        "projects.ClientContact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    topic = models.CharField(_("topic"), max_length=300)
    received_on = models.DateField(_("received on"))
    requirements = models.TextField(
        _("client's requirements"),
        help_text=_("What the client asks for: audience, dates, format, results."),
    )
    participants_expected = models.PositiveSmallIntegerField(
        _("participants expected"), default=0
    )
    contract_number = models.CharField(_("contract number"), max_length=100, blank=True)
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    contract_conditions = models.TextField(
        _("technical conditions of the contract"), blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.RECEIVED,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.client}: {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("training:request_detail", args=[self.pk])

    def clean(self) -> None:
        if (
            self.contact_id
            and self.client_id
            and self.contact.client_id != (self.client_id)
        ):
            raise ValidationError(
                {"contact": _("The contact must be one of the client's.")}
            )


class PlanPeriod(models.TextChoices):
    QUARTER = "quarter", _("quarter")
    HALF = "half", _("half-year")
    YEAR = "year", _("year")


PERIOD_COUNT = {PlanPeriod.QUARTER: 4, PlanPeriod.HALF: 2, PlanPeriod.YEAR: 1}


def period_bounds(kind: str, year: int, number: int) -> tuple[date, date]:
    months = 12 // PERIOD_COUNT[kind]
    first_month = (number - 1) * months + 1
    start = date(year, first_month, 1)
    end_month = first_month + months
    end = (
        date(year + 1, 1, 1) if end_month > 12 else date(year, end_month, 1)
    ) - timedelta(days=1)
    return start, end


class IndicativePlan(models.Model):
    """An indicative training plan for a quarter, half-year or year (ПК-04)."""

    kind = models.CharField(_("period"), max_length=8, choices=PlanPeriod.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    number = models.PositiveSmallIntegerField(
        _("number in the year"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Quarter 1–4, half-year 1–2; 1 for a year."),
    )
    content = models.TextField(_("planned seminars"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn up by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicative training plan")
        verbose_name_plural = _("indicative training plans")
        ordering = ["-year", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "number"], name="indicative_plan_once"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Indicative plan: %(period)s %(number)s of %(year)s")
            % {
                "period": self.get_kind_display(),
                "number": self.number,
                "year": self.year,
            }
        )

    def get_absolute_url(self) -> str:
        return reverse("training:indicative_plan_list")

    def clean(self) -> None:
        if self.kind and self.number and self.number > PERIOD_COUNT[self.kind]:
            raise ValidationError({"number": _("There is no such period in the year.")})

    @property
    def bounds(self) -> tuple[date, date]:
        return period_bounds(self.kind, self.year, self.number)


# --- Programme ---------------------------------------------------------------


class Programme(Approvable):
    """The seminar programme: topics with hours and trainers, verified by the
    trainer (§7.3.5) and approved by the director (§7.3.6)."""

    request = models.ForeignKey(
        TrainingRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    title = models.CharField(_("title"), max_length=300)
    aims = models.TextField(_("aims and expected results"), blank=True)
    trainers = models.ManyToManyField(
        "suppliers.Supplier",
        verbose_name=_("trainers"),
        related_name="training_programmes",
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("controlled document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The electronic master in the document register, if any."),
    )
    revision = models.ForeignKey(
        "documents.DocumentRevision",
        verbose_name=_("revision used"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn up by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    signed_fields = ("title", "aims", "trainers")
    pdf_template = "pdf/training/programme.html"

    class Meta:
        verbose_name = _("seminar programme")
        verbose_name_plural = _("seminar programmes")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:programme_detail", args=[self.pk])

    def signed_content(self) -> dict:
        content = super().signed_content()
        content["topics"] = [
            [t.order, t.title, str(t.hours), t.trainer_id]
            for t in self.topics.order_by("order", "pk")
        ]
        return content

    def approval_problems(self) -> list[str]:
        from sapat.signing.models import Meaning, Signature

        problems = []
        if not self.topics.exists():
            problems.append(str(_("Add the topics before sending the programme.")))
        if not self.trainers.exists():
            problems.append(str(_("Choose the trainers.")))
        verified = Signature.objects.for_object(self).filter(
            meaning=Meaning.VERIFIED, object_version=self.current_version()
        )
        if not verified.exists():
            problems.append(
                str(_("The trainer must verify and sign the programme first."))
            )
        return problems

    def pdf_context(self) -> dict:
        return {"topics": list(self.topics.select_related("trainer"))}

    @property
    def total_hours(self):
        return sum((t.hours for t in self.topics.all()), 0)


class Topic(models.Model):
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="topics",
    )
    order = models.PositiveSmallIntegerField(_("no."), default=1)
    title = models.CharField(_("topic"), max_length=300)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0.5)],
    )
    trainer = models.ForeignKey(
        "suppliers.Supplier",
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        related_name="training_topics",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme topic")
        verbose_name_plural = _("programme topics")
        ordering = ["programme", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


# --- Seminars ------------------------------------------------------------------


class SeminarStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


SEMINAR_TRANSITIONS: dict[str, frozenset[str]] = {
    SeminarStatus.PLANNED: frozenset(
        {SeminarStatus.IN_PROGRESS, SeminarStatus.CANCELLED}
    ),
    SeminarStatus.IN_PROGRESS: frozenset({SeminarStatus.DONE}),
    SeminarStatus.DONE: frozenset(),
    SeminarStatus.CANCELLED: frozenset(),
}


class Seminar(models.Model):
    """One delivery of a programme: dates, venue, participants, handouts."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="seminars",
    )
    request = models.ForeignKey(
        TrainingRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seminars",
    )
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    venue = models.CharField(_("venue"), max_length=300)
    spare_sets = models.PositiveSmallIntegerField(
        _("spare sets of handouts"),
        default=SPARES_MIN,
        help_text=_("Printed beyond one set per participant: from 2 to 5."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SeminarStatus.choices,
        default=SeminarStatus.PLANNED,
        editable=False,
        db_index=True,
    )
    #: Set by the impact check when a handout or the programme gets a new
    #: revision after the seminar was scheduled with the old one.
    revision_flag = models.CharField(
        _("new revision to check"), max_length=500, blank=True, editable=False
    )
    evaluations_closed_at = models.DateTimeField(
        _("evaluation closed"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")
        ordering = ["-starts_on", "-id"]
        permissions = [
            ("validate_seminar", _("Can see the validation record of training")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="seminar_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(spare_sets__gte=SPARES_MIN)
                & models.Q(spare_sets__lte=SPARES_MAX),
                name="seminar_spares_2_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:seminar_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The seminar cannot end before it starts.")
        if self.spare_sets is not None and not (
            SPARES_MIN <= self.spare_sets <= SPARES_MAX
        ):
            errors["spare_sets"] = _("Spare sets must be from %(min)s to %(max)s.") % {
                "min": SPARES_MIN,
                "max": SPARES_MAX,
            }
        if errors:
            raise ValidationError(errors)

    def phase(self, today: date) -> str:
        """Upcoming, in progress or done, by the dates (for the calendar)."""
        if self.status == SeminarStatus.DONE or self.ends_on < today:
            return "done"
        if self.starts_on > today:
            return "upcoming"
        return "in_progress"


class SeminarDay(models.Model):
    seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("seminar"),
        on_delete=models.CASCADE,
        related_name="days",
    )
    date = models.DateField(_("date"))
    marked_at = models.DateTimeField(
        _("topics marked"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training day")
        verbose_name_plural = _("training days")
        ordering = ["seminar", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "date"], name="seminar_day_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seminar}: {self.date:%d.%m.%Y}"

    def clean(self) -> None:
        seminar = self.seminar
        if self.date and not (seminar.starts_on <= self.date <= seminar.ends_on):
            raise ValidationError(
                {
                    "date": _(
                        "A training day must be within the seminar's dates "
                        "(%(start)s – %(end)s)."
                    )
                    % {
                        "start": f"{seminar.starts_on:%d.%m.%Y}",
                        "end": f"{seminar.ends_on:%d.%m.%Y}",
                    }
                }
            )


class TopicMark(models.Model):
    """A topic the trainer covered on a training day (§7.5.3)."""

    day = models.ForeignKey(
        SeminarDay,
        verbose_name=_("day"),
        on_delete=models.CASCADE,
        related_name="marks",
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="marks"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("topic covered")
        verbose_name_plural = _("topics covered")
        ordering = ["day", "topic__order"]
        constraints = [
            models.UniqueConstraint(fields=["day", "topic"], name="topic_mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.topic}"


class Participant(models.Model):
    seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("seminar"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=300)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    days = models.ManyToManyField(
        SeminarDay, verbose_name=_("attended"), blank=True, related_name="present"
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["seminar", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "name", "organisation"],
                name="participant_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


# --- Handouts, memos, damaged copies ---------------------------------------------


class HandoutKind(models.TextChoices):
    HANDOUT = "handout", _("handout")
    TEST = "test", _("test")


class Handout(models.Model):
    """A handout or test of a seminar: a controlled document's revision."""

    seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("seminar"),
        on_delete=models.CASCADE,
        related_name="handouts",
    )
    kind = models.CharField(
        _("kind"),
        max_length=8,
        choices=HandoutKind.choices,
        default=HandoutKind.HANDOUT,
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("controlled document"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    revision = models.ForeignKey(
        "documents.DocumentRevision",
        verbose_name=_("revision used"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handout")
        verbose_name_plural = _("handouts")
        ordering = ["seminar", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "document"], name="handout_document_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} ({self.revision.number})"


class DamagedCopy(models.Model):
    """Damaged copies replaced (§7.5.5): logged."""

    handout = models.ForeignKey(
        Handout,
        verbose_name=_("handout"),
        on_delete=models.CASCADE,
        related_name="damaged",
    )
    copies = models.PositiveSmallIntegerField(
        _("copies replaced"), validators=[MinValueValidator(1)]
    )
    reason = models.CharField(_("damage"), max_length=300)
    replaced_on = models.DateField(_("replaced on"))
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("damaged copy")
        verbose_name_plural = _("damaged copies")
        ordering = ["-replaced_on", "-id"]

    def __str__(self) -> str:
        return f"{self.handout}: {self.copies}"


class MemoStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")
    USED = "used", _("change made")


MEMO_TRANSITIONS: dict[str, frozenset[str]] = {
    MemoStatus.SUBMITTED: frozenset({MemoStatus.ACCEPTED, MemoStatus.REFUSED}),
    MemoStatus.ACCEPTED: frozenset({MemoStatus.USED}),
    MemoStatus.REFUSED: frozenset(),
    MemoStatus.USED: frozenset(),
}


class ServiceMemo(models.Model):
    """The trainer's memo asking to change an approved handout (§7.3.7)."""

    handout = models.ForeignKey(
        Handout,
        verbose_name=_("handout"),
        on_delete=models.CASCADE,
        related_name="memos",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    change = models.TextField(_("the error or the change"))
    cost = models.DecimalField(
        _("cost of the change"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MemoStatus.choices,
        default=MemoStatus.SUBMITTED,
        editable=False,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decision = models.CharField(_("decision"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service memo")
        verbose_name_plural = _("service memos")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(_("Service memo on %(handout)s") % {"handout": self.handout})

    def get_absolute_url(self) -> str:
        return reverse("training:seminar_detail", args=[self.handout.seminar_id])


# --- Tests ----------------------------------------------------------------------


class SeminarTest(models.Model):
    seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("seminar"),
        on_delete=models.CASCADE,
        related_name="tests",
    )
    title = models.CharField(_("title"), max_length=300)
    pass_score = models.PositiveSmallIntegerField(_("pass score"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        ordering = ["seminar", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:test_detail", args=[self.pk])


class SeminarQuestion(models.Model):
    test = models.ForeignKey(
        SeminarTest,
        verbose_name=_("test"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    order = models.PositiveSmallIntegerField(_("no."), default=1)
    text = models.TextField(_("question"))
    answer = models.TextField(_("correct answer"))
    points = models.PositiveSmallIntegerField(
        _("points"), default=1, validators=[MinValueValidator(1)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("test question")
        verbose_name_plural = _("test questions")
        ordering = ["test", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"


class SeminarScore(models.Model):
    test = models.ForeignKey(
        SeminarTest,
        verbose_name=_("test"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    score = models.PositiveSmallIntegerField(_("score"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("test score")
        verbose_name_plural = _("test scores")
        ordering = ["test", "participant__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["test", "participant"], name="test_score_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.score}"


# --- Evaluation -------------------------------------------------------------------


class SeminarEvaluation(models.Model):
    """A participant's questionnaire on the seminar and the trainer(s),
    filled in by link when the seminar ends (§8.2.1)."""

    participant = models.OneToOneField(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="evaluation",
    )
    seminar_mark = models.PositiveSmallIntegerField(
        _("the seminar"),
        validators=[MinValueValidator(MARK_MIN), MaxValueValidator(MARK_MAX)],
    )
    trainer_mark = models.PositiveSmallIntegerField(
        _("the trainer"),
        validators=[MinValueValidator(MARK_MIN), MaxValueValidator(MARK_MAX)],
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seminar evaluation")
        verbose_name_plural = _("seminar evaluations")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return str(self.participant)


class TrainerReview(models.Model):
    """The trainer's own review of the seminar (§8.2.1)."""

    seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("seminar"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    trainer = models.ForeignKey(
        "suppliers.Supplier",
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    mark = models.PositiveSmallIntegerField(
        _("own mark"),
        validators=[MinValueValidator(MARK_MIN), MaxValueValidator(MARK_MAX)],
    )
    text = models.TextField(_("review"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trainer's review")
        verbose_name_plural = _("trainer's reviews")
        ordering = ["seminar", "trainer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "trainer"], name="trainer_review_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seminar}: {self.trainer}"


# --- Certificates -----------------------------------------------------------------


class Certificate(Signable):
    """A participant's certificate: a signed PDF with a QR code to /verify/."""

    participant = models.OneToOneField(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    issued_on = models.DateField(_("issued on"))
    history = HistoricalRecords()

    signed_fields = ("participant", "number", "issued_on")
    pdf_template = "pdf/training/certificate.html"

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["number"]

    def __str__(self) -> str:
        return str(
            _("Certificate %(number)s: %(name)s")
            % {"number": self.number, "name": self.participant.name}
        )

    def viewable_by(self, user) -> bool:
        from sapat.access import can

        return can(user, "view", self.participant.seminar)

    def pdf_context(self) -> dict:
        participant = self.participant
        seminar = participant.seminar
        return {
            "participant": participant,
            "seminar": seminar,
            "hours": seminar.programme.total_hours,
        }

    def pdf_reason(self, title: str) -> str:
        return str(_("Certificate: %(title)s") % {"title": title})
