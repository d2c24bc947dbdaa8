"""Nonconforming service (ДЖ-03), corrective (ДЖ-04) and preventive (ДЖ-05)
actions, and the CAPA plan (§5.4.2, §8.3, §8.5.2, §8.5.3).

A nonconformity is identified, contained and decided on; its cause is
analysed and removed by actions; each action's effectiveness is checked by
someone other than its owner on a set date. Each lifecycle is one status
field moved only by :mod:`capa.services`, following the tables below.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from sapat.signing.models import Approvable, Signable

# --- Nonconformity --------------------------------------------------------------


class Source(models.TextChoices):
    """Where a nonconformity was found."""

    COMPLAINT = "complaint", _("client complaint")
    INTERNAL_AUDIT = "internal_audit", _("internal audit")
    EXTERNAL_AUDIT = "external_audit", _("external audit")
    MONITORING = "monitoring", _("process monitoring (KPI)")
    STAFF = "staff", _("staff report")
    REVIEW = "review", _("management review")
    SUPPLIER = "supplier", _("supplier")


class Severity(models.TextChoices):
    MINOR = "minor", _("minor")
    MAJOR = "major", _("major")
    CRITICAL = "critical", _("critical")


class Disposition(models.TextChoices):
    """The decision on the nonconforming service (§8.3)."""

    REDO = "redo", _("redo the service")
    CORRECT = "correct", _("correct it")
    CONCESSION = "concession", _("continue with the client's agreement")
    STOP = "stop", _("stop the service")


class NonconformityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("nonconformity", "open")
    CONTAINED = "contained", _("contained")
    ANALYSIS = "analysis", _("under analysis")
    PLANNED = "planned", _("action planned")
    CLOSED = "closed", pgettext_lazy("nonconformity", "closed")
    REJECTED = "rejected", _("rejected: not a nonconformity")


_N = NonconformityStatus

#: The lifecycle of a nonconformity. "Contained → closed" is the case where
#: the correction is enough and no cause analysis is needed (a reason is
#: recorded); "planned → closed" happens when its actions are closed.
NONCONFORMITY_TRANSITIONS: dict[str, frozenset[str]] = {
    _N.OPEN: frozenset({_N.CONTAINED, _N.REJECTED}),
    _N.CONTAINED: frozenset({_N.ANALYSIS, _N.CLOSED, _N.REJECTED}),
    _N.ANALYSIS: frozenset({_N.PLANNED, _N.REJECTED}),
    _N.PLANNED: frozenset({_N.CLOSED}),
    _N.CLOSED: frozenset(),
    _N.REJECTED: frozenset(),
}
NONCONFORMITY_OPEN = frozenset({_N.OPEN, _N.CONTAINED, _N.ANALYSIS, _N.PLANNED})


def _code(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}-{seq:03d}"


# Translators: prefix of a nonconformity number (ШК-2026-001).
NONCONFORMITY_PREFIX = pgettext_lazy("code prefix", "NC")


class Nonconformity(Signable):
    """A nonconforming service or a nonconformity of the QMS (§8.3)."""

    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    seq = models.PositiveIntegerField(_("number"), editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # What raised it: a KPI measurement, a complaint, an audit finding…
    origin_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    process = models.ForeignKey(
        "quality.ProcessCard",
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nonconformities",
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    affected = models.CharField(
        _("affected project or service"),
        max_length=300,
        blank=True,
        help_text=_("The project, seminar or service where it was found."),
    )
    description = models.TextField(_("description"))
    detected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("detected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    detected_on = models.DateField(_("detected on"), default=timezone.localdate)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who handles the nonconformity."),
    )
    containment = models.TextField(_("immediate correction (containment)"), blank=True)
    disposition = models.CharField(
        _("decision on the nonconforming service"),
        max_length=12,
        choices=Disposition.choices,
        blank=True,
    )
    disposition_note = models.TextField(
        _("notes on the decision"),
        blank=True,
        help_text=_("E.g. how and when the client agreed."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NonconformityStatus.choices,
        default=NonconformityStatus.OPEN,
        editable=False,
        db_index=True,
    )
    closing_reason = models.TextField(
        _("reason"),
        blank=True,
        editable=False,
        help_text=_("Why it was rejected, or closed without a corrective action."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, editable=False)
    history = HistoricalRecords()

    transitions = NONCONFORMITY_TRANSITIONS
    signed_fields = (
        "source",
        "description",
        "severity",
        "containment",
        "disposition",
        "disposition_note",
        "status",
        "closing_reason",
    )
    pdf_template = "pdf/capa/nonconformity.html"
    document_code = "ДЖ-03"

    class Meta:
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="nc_number_unique"),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected"]) | ~Q(closing_reason=""),
                name="nc_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(status="rejected") | ~Q(containment=""),
                name="nc_contained_has_containment",
            ),
        ]
        indexes = [models.Index(fields=["origin_type", "origin_id"])]

    def __str__(self) -> str:
        return f"{self.code}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("capa:nonconformity_detail", args=[self.pk])

    @property
    def code(self) -> str:
        return _code(str(NONCONFORMITY_PREFIX), self.year, self.seq)

    @property
    def is_open(self) -> bool:
        return self.status in NONCONFORMITY_OPEN

    def clean(self) -> None:
        errors = {}
        if self.detected_on and self.detected_on > timezone.localdate():
            errors["detected_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class EvidenceFile(models.Model):
    """A photo, scan or document showing the nonconformity."""

    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="capa/evidence/%Y/")
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


# --- Actions --------------------------------------------------------------------


class ActionKind(models.TextChoices):
    CORRECTION = "correction", _("correction")
    CORRECTIVE = "corrective", _("corrective action")
    PREVENTIVE = "preventive", _("preventive action")
    IMPROVEMENT = "improvement", _("improvement")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    IMPLEMENTED = "implemented", _("implemented")
    CHECK = "check", _("effectiveness check")
    EFFECTIVE = "effective", _("closed: effective")
    NOT_EFFECTIVE = "not_effective", _("closed: not effective")


_A = ActionStatus

#: The lifecycle of an action. There is no way from "implemented" to a
#: closed status except through the effectiveness check.
ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    _A.PLANNED: frozenset({_A.IN_PROGRESS}),
    _A.IN_PROGRESS: frozenset({_A.IMPLEMENTED}),
    _A.IMPLEMENTED: frozenset({_A.CHECK}),
    _A.CHECK: frozenset({_A.EFFECTIVE, _A.NOT_EFFECTIVE}),
    _A.EFFECTIVE: frozenset(),
    _A.NOT_EFFECTIVE: frozenset(),
}
ACTION_OPEN = frozenset({_A.PLANNED, _A.IN_PROGRESS, _A.IMPLEMENTED, _A.CHECK})
ACTION_CLOSED = frozenset({_A.EFFECTIVE, _A.NOT_EFFECTIVE})


class CauseCategory(models.TextChoices):
    """Cause categories of the analysis (the "6M" of an Ishikawa diagram)."""

    PEOPLE = "people", _("people and competence")
    METHOD = "method", _("method or procedure")
    INFORMATION = "information", _("information and documents")
    EQUIPMENT = "equipment", _("equipment and IT")
    ENVIRONMENT = "environment", _("work environment")
    MANAGEMENT = "management", _("management and planning")
    SUPPLIER = "supplier", _("supplier")
    MEASUREMENT = "measurement", _("monitoring and measurement")


class Trigger(models.TextChoices):
    """What a preventive action comes from (§8.4, §8.5.3)."""

    DATA = "data", _("analysis of data and trends")
    RISK = "risk", _("a risk")
    MEETING = "meeting", _("a decision in meeting minutes")
    OTHER = "other", _("other")


ACTION_PREFIXES = {
    # Translators: prefixes of action numbers: correction, corrective,
    # preventive, improvement (e.g. ТА-2026-001).
    ActionKind.CORRECTION: pgettext_lazy("code prefix", "C"),
    ActionKind.CORRECTIVE: pgettext_lazy("code prefix", "CA"),
    ActionKind.PREVENTIVE: pgettext_lazy("code prefix", "PA"),
    ActionKind.IMPROVEMENT: pgettext_lazy("code prefix", "IA"),
}
_KIND_PROCEDURE = {
    ActionKind.CORRECTION: "ДЖ-03",
    ActionKind.CORRECTIVE: "ДЖ-04",
    ActionKind.PREVENTIVE: "ДЖ-05",
    ActionKind.IMPROVEMENT: "ДЖ-04",
}


class Action(Signable):
    """A correction, corrective, preventive or improvement action."""

    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    seq = models.PositiveIntegerField(_("number"), editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=ActionKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("what will be done"), blank=True)
    nonconformities = models.ManyToManyField(
        Nonconformity,
        verbose_name=_("nonconformities"),
        related_name="actions",
        blank=True,
    )
    process = models.ForeignKey(
        "quality.ProcessCard",
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="capa_actions",
    )
    # Preventive: the potential nonconformity and where it was seen.
    trigger = models.CharField(
        _("comes from"), max_length=10, choices=Trigger.choices, blank=True
    )
    trigger_reference = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_("E.g. the minutes, the risk or the report it comes from."),
    )
    potential_problem = models.TextField(_("potential nonconformity"), blank=True)
    # Cause analysis: five whys, a category, the root cause.
    why_1 = models.TextField(_("why? (1)"), blank=True)
    why_2 = models.TextField(_("why? (2)"), blank=True)
    why_3 = models.TextField(_("why? (3)"), blank=True)
    why_4 = models.TextField(_("why? (4)"), blank=True)
    why_5 = models.TextField(_("why? (5)"), blank=True)
    cause_category = models.CharField(
        _("cause category"), max_length=12, choices=CauseCategory.choices, blank=True
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    # The assessment of the impact on the QMS (§5.4.2).
    qms_impact = models.TextField(
        _("impact on the QMS"),
        blank=True,
        help_text=_("Which documents or processes the action changes."),
    )
    affected_documents = models.ManyToManyField(
        "documents.Document",
        verbose_name=_("documents to change"),
        related_name="capa_actions",
        blank=True,
    )
    manual_review = models.ForeignKey(
        "documents.ChangeRequest",
        verbose_name=_("unplanned review of the quality manual"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="capa_actions",
    )
    opened_on = models.DateField(_("opened"), default=timezone.localdate)
    due_date = models.DateField(_("implement by"))
    check_due = models.DateField(
        _("effectiveness check on"),
        help_text=_("Leave time for the action to show its effect."),
    )
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by (planned)"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The quality manager, or another person who is not the owner."),
    )
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=ActionStatus.choices,
        default=ActionStatus.PLANNED,
        editable=False,
        db_index=True,
    )
    implementation_note = models.TextField(
        _("what was done"), blank=True, editable=False
    )
    implemented_on = models.DateField(_("implemented"), null=True, editable=False)
    check_result = models.TextField(
        _("result of the effectiveness check"), blank=True, editable=False
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    checked_on = models.DateField(_("checked"), null=True, editable=False)
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="follow_ups",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, editable=False)
    history = HistoricalRecords()

    transitions = ACTION_TRANSITIONS
    signed_fields = (
        "kind",
        "title",
        "description",
        "nonconformities",
        "potential_problem",
        "why_1",
        "why_2",
        "why_3",
        "why_4",
        "why_5",
        "cause_category",
        "root_cause",
        "qms_impact",
        "owner",
        "due_date",
        "check_due",
        "status",
        "implementation_note",
        "check_result",
        "checked_by",
    )
    pdf_template = "pdf/capa/action.html"

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["-year", "-seq"]
        permissions = [
            ("check_action", _("Can check the effectiveness of actions")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "seq"], name="action_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("opened_on")),
                name="action_due_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(check_due__gte=F("due_date")),
                name="action_check_after_due",
            ),
            # Nobody checks their own action (ISO 9001 §8.5.2 f).
            models.CheckConstraint(
                condition=~Q(status__in=["effective", "not_effective"])
                | (Q(checked_by__isnull=False) & ~Q(checked_by=F("owner"))),
                name="action_closed_checked_by_other",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("capa:action_detail", args=[self.pk])

    @property
    def code(self) -> str:
        return _code(str(ACTION_PREFIXES[self.kind]), self.year, self.seq)

    @property
    def document_code(self) -> str:  # type: ignore[override]
        return _KIND_PROCEDURE.get(self.kind, "")

    @property
    def is_open(self) -> bool:
        return self.status in ACTION_OPEN

    @property
    def whys(self) -> list[str]:
        return [
            w for w in (self.why_1, self.why_2, self.why_3, self.why_4, self.why_5) if w
        ]

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.status in {_A.PLANNED, _A.IN_PROGRESS}:
            return self.due_date < today
        return False

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.kind == ActionKind.CORRECTIVE:
            if not self.root_cause.strip():
                errors["root_cause"] = [
                    _("A corrective action removes a cause: state the root cause.")
                ]
            if not self.cause_category:
                errors["cause_category"] = [_("Choose the cause category.")]
        if self.kind == ActionKind.PREVENTIVE:
            if not self.potential_problem.strip():
                errors["potential_problem"] = [
                    _("Describe the potential nonconformity the action prevents.")
                ]
            if not self.root_cause.strip():
                errors["root_cause"] = [_("State its potential cause.")]
            if not self.trigger:
                errors["trigger"] = [_("Say what the preventive action comes from.")]
        if self.opened_on and self.due_date and self.due_date < self.opened_on:
            errors["due_date"] = [
                _("The deadline cannot be before the action was opened.")
            ]
        if self.due_date and self.check_due and self.check_due < self.due_date:
            errors["check_due"] = [
                _("The effectiveness check comes after the implementation deadline.")
            ]
        if self.owner_id and self.checker_id and self.owner_id == self.checker_id:
            errors["checker"] = [
                _("The owner of an action cannot check its effectiveness.")
            ]
        if errors:
            raise ValidationError(errors)

    def pdf_reason(self, title: str) -> str:
        return str(_("Action report: %(title)s") % {"title": title})


class ActionTask(models.Model):
    """One task of an action's plan: who does what by when."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="capa_tasks",
    )
    due_date = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def clean(self) -> None:
        if self.due_date and self.action_id and self.due_date < self.action.opened_on:
            raise ValidationError(
                {
                    "due_date": _(
                        "A task cannot be due before the action was opened (%(date)s)."
                    )
                    % {"date": self.action.opened_on.strftime("%d.%m.%Y")}
                }
            )


# --- The CAPA plan ---------------------------------------------------------------


class CapaPlan(Approvable):
    """The plan of open corrective and preventive actions (§5.4.2, §8.5.2).

    A draft collects the open actions; the director approves it, which
    supersedes the plan approved before. The rows are signed with it.
    """

    issued_on = models.DateField(_("date"), default=timezone.localdate)
    notes = models.TextField(_("notes"), blank=True)
    actions = models.ManyToManyField(
        Action, verbose_name=_("actions"), related_name="plans", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    signed_fields = ("issued_on", "notes")
    pdf_template = "pdf/capa/plan.html"
    document_code = "ДЖ-04"

    class Meta:
        verbose_name = _("CAPA plan")
        verbose_name_plural = _("CAPA plans")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return str(
            _("CAPA plan of %(date)s") % {"date": self.issued_on.strftime("%d.%m.%Y")}
        )

    def get_absolute_url(self) -> str:
        return reverse("capa:plan_detail", args=[self.pk])

    def rows(self):
        return self.actions.select_related("owner").order_by("due_date", "year", "seq")

    def signed_content(self) -> dict:
        """The rows are what the director approves, so they are signed too."""
        content = super().signed_content()
        content["rows"] = [
            [a.pk, a.kind, a.title, a.owner_id, a.due_date.isoformat(), a.status]
            for a in self.rows()
        ]
        return content

    def approval_problems(self) -> list[str]:
        if not self.actions.exists():
            return [str(_("The plan has no actions."))]
        return []

    def pdf_context(self) -> dict:
        return {"rows": list(self.rows().prefetch_related("nonconformities"))}

    def on_approved(self, actor=None) -> None:
        from .services import on_plan_approved

        on_plan_approved(self, actor=actor)
