"""Internal audits (ДЖ-06), management review (ДЖ-07), self-assessment (ДЖ-10).

The yearly audit programme (§8.2.2) plans audits so that every process card
and every clause of the register is audited over the audit cycle; an audit
has its scope, auditors, checklist and findings, and a report signed by the
lead auditor. Management reviews (§5.6) are operational (monthly) or
strategic (yearly, before the general staff meeting); their inputs are
compiled from the registers (:mod:`audits.review_inputs`), their decisions
are tracked to completion. The self-assessment is scored yearly against the
agency's criteria and submitted to the strategic review.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sapat.signing.models import Approvable, Signable

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class AuditProgramme(Approvable):
    """The annual audit plan and schedule, approved by the director."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=YEAR_VALIDATORS
    )
    cycle_years = models.PositiveSmallIntegerField(
        _("audit cycle, years"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Every process and clause is audited at least once per cycle."),
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    signed_fields = ("year", "cycle_years", "notes")
    pdf_template = "pdf/audits/programme.html"
    document_code = "ДЖ-06"

    class Meta:
        verbose_name = _("audit programme")
        verbose_name_plural = _("audit programmes")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(_("Internal audit programme for %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("audits:programme_detail", args=[self.year])

    def approval_problems(self) -> list[str]:
        if not self.audits.filter(planned=True).exists():
            return [str(_("Plan at least one audit before sending the programme."))]
        return []

    def signed_content(self) -> dict:
        content = super().signed_content()
        content["audits"] = [
            [
                a.pk,
                a.title,
                a.start_date.isoformat(),
                a.end_date.isoformat(),
                a.lead_auditor_id,
            ]
            for a in self.audits.filter(planned=True).order_by("start_date", "pk")
        ]
        return content

    def pdf_context(self) -> dict:
        return {
            "audits": list(
                self.audits.filter(planned=True)
                .select_related("lead_auditor")
                .prefetch_related("processes", "clauses", "units")
                .order_by("start_date", "pk")
            )
        }


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    NOTIFIED = "notified", _("plan sent to the auditees")
    IN_PROGRESS = "in_progress", _("in progress")
    REPORTED = "reported", _("report signed")
    CANCELLED = "cancelled", _("cancelled")


AUDIT_TRANSITIONS: dict[str, frozenset[str]] = {
    AuditStatus.PLANNED: frozenset({AuditStatus.NOTIFIED, AuditStatus.CANCELLED}),
    AuditStatus.NOTIFIED: frozenset({AuditStatus.IN_PROGRESS, AuditStatus.CANCELLED}),
    AuditStatus.IN_PROGRESS: frozenset({AuditStatus.REPORTED}),
    AuditStatus.REPORTED: frozenset(),
    AuditStatus.CANCELLED: frozenset(),
}


#: Prefix of an audit's number (ИА-2026-03), the same in every language.
AUDIT_PREFIX = "ИА"


class Audit(Signable):
    """One internal audit: its scope, team, checklist, findings and report."""

    programme = models.ForeignKey(
        AuditProgramme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="audits",
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    seq = models.PositiveIntegerField(_("number"), editable=False)
    planned = models.BooleanField(_("planned"), default=True)
    reason = models.TextField(
        _("reason for an unplanned audit"),
        blank=True,
        help_text=_("E.g. complaints, a serious nonconformity, a change (§8.2.2)."),
    )
    title = models.CharField(_("title"), max_length=300)
    processes = models.ManyToManyField(
        "quality.ProcessCard",
        verbose_name=_("processes"),
        blank=True,
        related_name="audits",
    )
    clauses = models.ManyToManyField(
        "quality.IsoClause", verbose_name=_("clauses"), blank=True, related_name="+"
    )
    units = models.ManyToManyField(
        "accounts.OrgUnit",
        verbose_name=_("audited units"),
        blank=True,
        related_name="audits",
    )
    criteria = models.TextField(
        _("criteria"),
        default="ISO 9001, the Quality Manual and the procedures in force",
    )
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead auditor"),
        on_delete=models.PROTECT,
        related_name="audits_led",
    )
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auditors"),
        blank=True,
        related_name="audits_joined",
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AuditStatus.choices,
        default=AuditStatus.PLANNED,
        editable=False,
        db_index=True,
    )
    plan_sent_at = models.DateTimeField(_("plan sent"), null=True, editable=False)
    conclusion = models.TextField(_("conclusion"), blank=True)
    reported_at = models.DateTimeField(_("report signed"), null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords(m2m_fields=[processes, clauses, units, auditors])

    transitions = AUDIT_TRANSITIONS
    signed_fields = ("title", "criteria", "start_date", "end_date", "conclusion")
    pdf_template = "pdf/audits/report.html"
    document_code = "ДЖ-06"

    class Meta:
        verbose_name = _("internal audit")
        verbose_name_plural = _("internal audits")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="audit_number"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"{AUDIT_PREFIX}-{self.year}-{self.seq:02d}"

    def get_absolute_url(self) -> str:
        return reverse("audits:audit_detail", args=[self.pk])

    def approval_title(self) -> str:
        return str(_("Internal audit report %(code)s") % {"code": self.code})

    def signed_content(self) -> dict:
        content = super().signed_content()
        content["checklist"] = [
            [i.pk, i.answer, i.evidence] for i in self.checklist.order_by("pk")
        ]
        content["findings"] = [
            [f.pk, f.kind, f.description, f.nonconformity_id]
            for f in self.findings.order_by("pk")
        ]
        return content

    def pdf_context(self) -> dict:
        return {
            "checklist": list(
                self.checklist.select_related("clause", "process").order_by(
                    "order", "pk"
                )
            ),
            "findings": list(
                self.findings.select_related("clause", "nonconformity").order_by("pk")
            ),
            "team": list(self.auditors.all()),
            "units": list(self.units.all()),
        }

    def pdf_reason(self, title: str) -> str:
        return str(_("Signed: %(title)s") % {"title": title})

    @property
    def is_open(self) -> bool:
        return self.status in {
            AuditStatus.PLANNED,
            AuditStatus.NOTIFIED,
            AuditStatus.IN_PROGRESS,
        }


class Answer(models.TextChoices):
    CONFORMS = "conforms", _("conforms")
    NONCONFORMS = "nonconforms", _("does not conform")
    NOT_APPLICABLE = "na", _("not applicable")


class ChecklistItem(models.Model):
    """A question of the audit's checklist, answered with evidence."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="checklist")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    clause = models.ForeignKey(
        "quality.IsoClause",
        verbose_name=_("clause"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    process = models.ForeignKey(
        "quality.ProcessCard",
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    question = models.CharField(_("question"), max_length=500)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    answer = models.CharField(
        _("answer"), max_length=12, choices=Answer.choices, blank=True
    )
    evidence = models.TextField(_("evidence"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["audit", "order", "pk"]

    def __str__(self) -> str:
        return self.question


class FindingKind(models.TextChoices):
    CONFORMITY = "conformity", _("conformity")
    MAJOR = "major", _("major nonconformity")
    MINOR = "minor", _("minor nonconformity")
    OBSERVATION = "observation", _("observation")
    OPPORTUNITY = "opportunity", _("opportunity for improvement")


NONCONFORMITY_KINDS = frozenset({FindingKind.MAJOR, FindingKind.MINOR})


class Finding(models.Model):
    """What the audit found; a nonconformity raises a CAPA nonconformity."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=12, choices=FindingKind.choices)
    description = models.TextField(_("description"))
    clause = models.ForeignKey(
        "quality.IsoClause",
        verbose_name=_("clause"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    process = models.ForeignKey(
        "quality.ProcessCard",
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    nonconformity = models.OneToOneField(
        "capa.Nonconformity",
        verbose_name=_("CAPA nonconformity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_finding",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["audit", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:80]}"

    def get_absolute_url(self) -> str:
        return self.audit.get_absolute_url() + f"#finding-{self.pk}"

    @property
    def is_nonconformity(self) -> bool:
        return self.kind in NONCONFORMITY_KINDS


# --- Management review -------------------------------------------------------


class ReviewKind(models.TextChoices):
    OPERATIONAL = "operational", _("operational (monthly)")
    STRATEGIC = "strategic", _("strategic (yearly)")


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CLOSED = "closed", _("closed")


REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.PLANNED: frozenset({ReviewStatus.HELD}),
    ReviewStatus.HELD: frozenset({ReviewStatus.CLOSED}),
    ReviewStatus.CLOSED: frozenset(),
}


class ManagementReview(Approvable):
    """A management review meeting (§5.6); its minutes approved by the director.

    The decisions are the QMS improvement plan (§5.5.3, §8.5.1), signed with
    the minutes.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=ReviewKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    date = models.DateField(_("date"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    participants = models.TextField(_("participants"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PLANNED,
        editable=False,
        db_index=True,
    )
    self_assessment = models.ForeignKey(
        "SelfAssessment",
        verbose_name=_("self-assessment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
    )
    history = HistoricalRecords()

    review_transitions = REVIEW_TRANSITIONS
    signed_fields = ("kind", "year", "month", "date", "participants", "minutes")
    pdf_template = "pdf/audits/review.html"
    document_code = "ДЖ-07"

    class Meta:
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "month"],
                name="review_one_per_period",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        if self.kind == ReviewKind.STRATEGIC:
            return str(_("Strategic management review %(year)s") % {"year": self.year})
        return str(
            _("Operational management review %(month)02d.%(year)s")
            % {"month": self.month or 0, "year": self.year}
        )

    def get_absolute_url(self) -> str:
        return reverse("audits:review_detail", args=[self.pk])

    def approval_problems(self) -> list[str]:
        if self.status == ReviewStatus.PLANNED:
            return [str(_("Record the meeting as held before sending the minutes."))]
        if not self.minutes.strip():
            return [str(_("Write the minutes before sending them."))]
        return []

    def signed_content(self) -> dict:
        content = super().signed_content()
        content["decisions"] = [
            [d.pk, d.area, d.text, d.owner_id, d.due_date.isoformat()]
            for d in self.decisions.order_by("pk")
        ]
        return content

    def pdf_context(self) -> dict:
        return {
            "decisions": list(
                self.decisions.select_related("owner").order_by("due_date", "pk")
            )
        }


class DecisionArea(models.TextChoices):
    QMS = "qms", _("improving the QMS")
    PROCESSES = "processes", _("improving the processes")
    SERVICES = "services", _("improving the services")
    RESOURCES = "resources", _("resources needed")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    DecisionStatus.OPEN: frozenset({DecisionStatus.DONE, DecisionStatus.CANCELLED}),
    DecisionStatus.DONE: frozenset(),
    DecisionStatus.CANCELLED: frozenset(),
}


class ReviewDecision(models.Model):
    """An output of a review: what, who, by when; tracked to completion."""

    review = models.ForeignKey(
        ManagementReview, on_delete=models.CASCADE, related_name="decisions"
    )
    area = models.CharField(_("area"), max_length=10, choices=DecisionArea.choices)
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="review_decisions",
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DecisionStatus.choices,
        default=DecisionStatus.OPEN,
        editable=False,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True, editable=False)
    result = models.TextField(_("result"), blank=True)
    follow_up = models.CharField(
        _("yearly review"),
        max_length=20,
        blank=True,
        editable=False,
        help_text=_("Set on the reviews a closed strategic review starts."),
    )
    capa_action = models.ForeignKey(
        "capa.Action",
        verbose_name=_("CAPA action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    change_request = models.ForeignKey(
        "documents.ChangeRequest",
        verbose_name=_("change request on the quality manual"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    transitions = DECISION_TRANSITIONS

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.text[:100]

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url() + f"#decision-{self.pk}"


class StaffMeeting(Approvable):
    """The general staff meeting in the last working week of the year
    (§5.5.3): the year's results, next year's objectives and plans."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=YEAR_VALIDATORS
    )
    date = models.DateField(_("date"))
    results = models.TextField(_("the year's results"), blank=True)
    objectives = models.TextField(_("next year's objectives"), blank=True)
    plans = models.TextField(_("next year's plans"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    history = HistoricalRecords()

    signed_fields = ("year", "date", "results", "objectives", "plans", "minutes")
    pdf_template = "pdf/audits/meeting.html"
    document_code = "ДЖ-07"

    class Meta:
        verbose_name = _("general staff meeting")
        verbose_name_plural = _("general staff meetings")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(_("General staff meeting %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("audits:meeting_detail", args=[self.pk])

    def approval_problems(self) -> list[str]:
        if not self.minutes.strip():
            return [str(_("Write the minutes before sending them."))]
        return []


# --- Self-assessment (ДЖ-10) ------------------------------------------------


class Criterion(models.Model):
    """A self-assessment criterion the agency maintains."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    guidance = models.TextField(_("what to look at"), blank=True)
    clause = models.ForeignKey(
        "quality.IsoClause",
        verbose_name=_("clause"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-assessment criterion")
        verbose_name_plural = _("self-assessment criteria")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SelfAssessment(Approvable):
    """The yearly self-assessment, submitted to the strategic review."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=YEAR_VALIDATORS
    )
    due_date = models.DateField(_("due"))
    summary = models.TextField(_("summary"), blank=True)
    history = HistoricalRecords()

    signed_fields = ("year", "summary")
    pdf_template = "pdf/audits/self_assessment.html"
    document_code = "ДЖ-10"

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(_("Self-assessment %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("audits:assessment_detail", args=[self.year])

    def approval_problems(self) -> list[str]:
        missing = self.scores.filter(score__isnull=True).count()
        if missing:
            return [
                str(_("%(count)s criteria have no score yet.") % {"count": missing})
            ]
        return []

    def signed_content(self) -> dict:
        content = super().signed_content()
        content["scores"] = [
            [s.criterion_id, s.score, s.evidence, s.strengths, s.improvements]
            for s in self.scores.order_by("criterion_id")
        ]
        return content

    def pdf_context(self) -> dict:
        return {
            "scores": list(
                self.scores.select_related("criterion").order_by(
                    "criterion__order", "criterion__code"
                )
            )
        }


class Score(models.Model):
    """The self-assessment of one criterion: 0–5 with evidence."""

    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(5)],
        help_text=_("0 (not in place) to 5 (excellent)."),
    )
    evidence = models.TextField(_("evidence"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    improvements = models.TextField(_("areas for improvement"), blank=True)
    action = models.ForeignKey(
        "capa.Action",
        verbose_name=_("action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["assessment", "criterion__order", "criterion__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="assessment_score_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"
