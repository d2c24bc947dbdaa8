"""Customer satisfaction (ДЖ-09): feedback, complaints, surveys (§7.2.3, §8.2.1).

Clients write through the public feedback form or send a letter or an
e-mail that staff register; each item gets an unguessable tracking code and
moves received → in review → answered → closed. Surveys are questionnaires
sent by single-use links to the client contacts of a finished project or the
participants of a seminar. Contact data is anonymised after a period.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

#: Tracking codes: letters and digits without look-alikes (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
#: The longest text a client may send (characters).
MAX_TEXT = 5000
#: What a removed personal detail becomes, in the rows and their history.
ANONYMISED = ""


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    CLAIM = "claim", _("claim")
    SUGGESTION = "suggestion", _("suggestion")
    QUESTION = "question", _("question")
    THANKS = "thanks", _("thanks")


#: Kinds addressed to the director (§7.2.3); the rest go to the quality
#: specialist.
DIRECTOR_KINDS = frozenset({Kind.COMPLAINT, Kind.CLAIM})


class Channel(models.TextChoices):
    WEB = "web", _("feedback form")
    EMAIL = "email", _("e-mail")
    PAPER = "paper", _("letter or paper")


class Status(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_REVIEW = "in_review", _("in review")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", pgettext_lazy("feedback", "closed")


#: The only moves a feedback item may make. An answered item goes back to
#: review when the client writes again; an item needing no answer (thanks,
#: a duplicate) may be closed from review.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.IN_REVIEW}),
    Status.IN_REVIEW: frozenset({Status.ANSWERED, Status.CLOSED}),
    Status.ANSWERED: frozenset({Status.IN_REVIEW, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
OPEN_STATUSES = (Status.RECEIVED, Status.IN_REVIEW)


class Category(models.TextChoices):
    SERVICE = "service", _("quality of the service")
    DEADLINES = "deadlines", _("deadlines")
    STAFF = "staff", _("conduct of staff or experts")
    DOCUMENTS = "documents", _("documents and reports")
    SEMINAR = "seminar", _("seminar or trainer")
    WEBSITE = "website", _("website and information")
    OTHER = "other", _("other")


class TriageDigest(models.Model):
    """One weekly digest of new feedback; each item is in exactly one."""

    week = models.CharField(_("week"), max_length=8, unique=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    item_count = models.PositiveIntegerField(_("new items"), default=0)
    unanswered = models.PositiveIntegerField(_("unanswered"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weekly triage digest")
        verbose_name_plural = _("weekly triage digests")
        ordering = ["-week"]

    def __str__(self) -> str:
        return self.week


class Feedback(models.Model):
    """A complaint, claim, suggestion, question or thanks from a client."""

    code = models.CharField(_("tracking code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.RECEIVED,
        editable=False,
        db_index=True,
    )
    # Personal data: anonymised after the retention period.
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    reference = models.CharField(
        _("project or seminar"),
        max_length=200,
        blank=True,
        help_text=_("As the client named it."),
    )
    seminar_reference = models.CharField(
        _("seminar"),
        max_length=200,
        blank=True,
        help_text=_("The seminar concerned, until seminars are in the portal."),
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    text = models.TextField(_("text"), validators=[MaxLengthValidator(MAX_TEXT)])
    consent = models.BooleanField(_("consent to processing"), default=False)
    may_publish = models.BooleanField(
        _("may be published"),
        default=False,
        help_text=_("The client agrees that the question and answer be published."),
    )
    received_on = models.DateField(_("received on"))
    #: The client's language: replies are e-mailed in it.
    language = models.CharField(_("language"), max_length=2, blank=True)
    deadline = models.DateField(_("answer by"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Triage (the weekly review, §7.2.3).
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, blank=True
    )
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_nonconformity = models.BooleanField(_("shows a nonconformity"), default=False)
    nonconformity = models.ForeignKey(
        "capa.Nonconformity",
        verbose_name=_("nonconformity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    digest = models.ForeignKey(
        TriageDigest,
        verbose_name=_("weekly digest"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )
    # Publication on the questions-and-answers page.
    public_question = models.TextField(
        _("question as published"),
        blank=True,
        validators=[MaxLengthValidator(MAX_TEXT)],
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Closing the loop (ISO 10002).
    satisfied = models.BooleanField(
        _("satisfied with the handling"), null=True, blank=True
    )
    satisfied_at = models.DateTimeField(
        _("answered the question"), null=True, blank=True
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    history = HistoricalRecords()

    transitions = TRANSITIONS

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("handle_complaint", _("Can handle complaints and claims")),
            ("triage_feedback", _("Can triage feedback")),
            ("publish_feedback", _("Can publish questions and answers")),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(code=""), name="feedback_has_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("satisfaction:feedback_detail", args=[self.pk])

    def clean(self) -> None:
        if (
            self.channel == Channel.WEB
            and not (self.email or self.phone)
            and self.anonymised_at is None
        ):
            raise ValidationError(
                _("Give an e-mail address or a phone number to reach you.")
            )

    @property
    def for_director(self) -> bool:
        return self.kind in DIRECTOR_KINDS

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Attachment(models.Model):
    """A file sent with feedback or the scan of a paper letter (staff only)."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="satisfaction/%Y/")
    name = models.CharField(_("name"), max_length=255)
    file_type = models.CharField(_("type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Reply(models.Model):
    """A public reply to the client, or an internal note for staff."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="replies"
    )
    text = models.TextField(_("text"), validators=[MaxLengthValidator(MAX_TEXT)])
    internal = models.BooleanField(_("internal note"), default=False)
    #: The closing reply asks "are you satisfied with how this was handled?".
    closing = models.BooleanField(_("closing reply"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


# --- Surveys -------------------------------------------------------------------


class Audience(models.TextChoices):
    PROJECT = "project", _("client contacts of a finished project")
    SEMINAR = "seminar", _("participants of a seminar")
    OTHER = "other", _("other clients")


class Questionnaire(models.Model):
    """A questionnaire (анкета, §8.2.1): its questions, reused by surveys."""

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.OTHER
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Sent automatically when a project closes or a seminar ends."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("satisfaction:questionnaire_detail", args=[self.pk])


class QuestionKind(models.TextChoices):
    SCALE5 = "scale5", _("scale from 1 to 5")
    SCALE10 = "scale10", _("scale from 0 to 10 (recommendation)")
    CHOICE = "choice", _("one of several answers")
    TEXT = "text", _("free text")


#: The values each scale takes.
SCALES = {QuestionKind.SCALE5: range(1, 6), QuestionKind.SCALE10: range(0, 11)}


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    choices = models.TextField(
        _("answers to choose from"),
        blank=True,
        max_length=2000,
        help_text=_("One a line; for questions with a choice only."),
    )
    required = models.BooleanField(_("required"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "order", "id"]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.kind == QuestionKind.CHOICE and len(self.choice_list) < 2:
            raise ValidationError(
                {"choices": _("Give at least two answers, one a line.")}
            )
        if self.kind != QuestionKind.CHOICE and self.choices.strip():
            raise ValidationError(
                {"choices": _("Only a question with a choice has answers to pick.")}
            )

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Survey(models.Model):
    """One sending of a questionnaire: to a project's client, a seminar…"""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    title = models.CharField(_("title"), max_length=200)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Answers are not linked to the person invited."),
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
    )
    seminar_reference = models.CharField(_("seminar"), max_length=200, blank=True)
    expires_on = models.DateField(_("links expire on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(project__isnull=False),
                name="survey_one_per_project",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("satisfaction:survey_detail", args=[self.pk])


class Invitation(models.Model):
    """A single-use, expiring link to answer a survey.

    Only the SHA-256 of the token is kept: the link itself is in the e-mail.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.email or str(self.pk)


class Response(models.Model):
    """The answers of one respondent; named only for a named survey."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses"
    )
    respondent = models.CharField(_("respondent"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers"
    )
    value = models.SmallIntegerField(_("value"), null=True, blank=True)
    choice = models.CharField(_("choice"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=MAX_TEXT)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            ),
        ]

    def __str__(self) -> str:
        return str(self.value if self.value is not None else self.choice or self.text)
