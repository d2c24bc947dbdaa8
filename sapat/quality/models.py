"""Quality policy, concept, objectives, KPIs, process cards, ISO clauses.

Manual §4.1 (process cards), §5.3 (policy), §5.4.1 (objectives), §7.1
(development concept), §8.2.3-8.2.4 (indicators and their measurement).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from sapat.signing.models import Approvable


class IsoClause(models.Model):
    """A clause of ISO 9001 by number and short title (never its text)."""

    class Edition(models.TextChoices):
        ISO_2008 = "2008", "ISO 9001:2008"
        ISO_2015 = "2015", "ISO 9001:2015"

    edition = models.CharField(_("edition"), max_length=4, choices=Edition.choices)
    number = models.CharField(_("clause"), max_length=10)
    title = models.CharField(_("title (English)"), max_length=200)
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=250, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=250, blank=True)
    equivalents = models.ManyToManyField(
        "self",
        verbose_name=_("equivalent clauses"),
        blank=True,
        symmetrical=True,
        help_text=_("The clauses of the other edition that cover the same ground."),
    )
    sort_key = models.CharField(max_length=40, editable=False, db_index=True)

    class Meta:
        verbose_name = _("ISO 9001 clause")
        verbose_name_plural = _("ISO 9001 clauses")
        ordering = ["edition", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"], name="iso_clause_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}"

    def save(self, *args, **kwargs):
        self.sort_key = ".".join(part.zfill(3) for part in self.number.split("."))
        super().save(*args, **kwargs)

    @property
    def display_title(self) -> str:
        language = (get_language() or "ky")[:2]
        return getattr(self, f"title_{language}", "") or self.title


class QualityPolicy(Approvable):
    """The quality policy of one year (§5.3): approved, then published."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(
        _("text"), help_text=_("The quality priorities for the year.")
    )
    history = HistoricalRecords()

    signed_fields = ("year", "title", "text")
    pdf_template = "pdf/quality/policy.html"
    document_code = "СП"

    class Meta:
        verbose_name = _("quality policy")
        verbose_name_plural = _("quality policies")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("quality:policy_detail", args=[self.pk])

    def on_approved(self, actor=None) -> None:
        from sapat.signing.models import ApprovalStatus
        from sapat.signing.services import approvable_supersede

        for older in QualityPolicy.objects.filter(
            approval_status=ApprovalStatus.APPROVED, year__lt=self.year
        ):
            approvable_supersede(obj=older, actor=None)


class DevelopmentConcept(Approvable):
    """The development concept (§4.2.1, §7.1): top management only.

    Reviewed every year from the year's results; the review is completed by
    15 January.
    """

    title = models.CharField(_("title"), max_length=200)
    period_start = models.PositiveSmallIntegerField(_("from year"))
    period_end = models.PositiveSmallIntegerField(_("to year"))
    text = models.TextField(_("text"))
    history = HistoricalRecords()

    signed_fields = ("title", "period_start", "period_end", "text")
    pdf_template = "pdf/quality/concept.html"

    class Meta:
        verbose_name = _("development concept")
        verbose_name_plural = _("development concepts")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="concept_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_start}–{self.period_end})"

    def get_absolute_url(self) -> str:
        return reverse("quality:concept_detail", args=[self.pk])

    def clean(self) -> None:
        if (
            self.period_start
            and self.period_end
            and self.period_end < self.period_start
        ):
            raise ValidationError(
                {"period_end": _("The period ends before it starts.")}
            )


class Objective(Approvable):
    """A quality objective (§5.4.1): corporate (top management only) or per service."""

    class Level(models.TextChoices):
        CORPORATE = "corporate", _("corporate")
        SERVICE = "service", _("per service")

    class Service(models.TextChoices):
        PROGRAMME_ACCREDITATION = "programme", _("programmatic accreditation")
        INSTITUTIONAL_ACCREDITATION = "institutional", _("institutional accreditation")
        COURSES = "courses", _("professional development courses")
        TRAINING = "training", _("corporate training and seminars")
        CONSULTING = "consulting", _("consulting and QMS implementation")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    service = models.CharField(
        _("service"), max_length=15, choices=Service.choices, blank=True
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="quality_objectives",
    )
    concept = models.ForeignKey(
        DevelopmentConcept,
        verbose_name=_("development concept"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objectives",
    )
    history = HistoricalRecords()

    signed_fields = ("level", "service", "year", "title", "description", "owner")
    pdf_template = "pdf/quality/objective.html"

    class Meta:
        verbose_name = _("quality objective")
        verbose_name_plural = _("quality objectives")
        ordering = ["-year", "level", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="corporate", service="")
                | (models.Q(level="service") & ~models.Q(service="")),
                name="objective_service_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("quality:objective_detail", args=[self.pk])

    @property
    def is_restricted(self) -> bool:
        return self.level == self.Level.CORPORATE

    def viewable_by(self, user) -> bool:
        if not self.is_restricted:
            return bool(user and user.is_authenticated and user.is_active)
        return super().viewable_by(user)

    def clean(self) -> None:
        if self.level == self.Level.SERVICE and not self.service:
            raise ValidationError(
                {"service": _("Choose the service of this objective.")}
            )
        if self.level == self.Level.CORPORATE and self.service:
            raise ValidationError(
                {"service": _("A corporate objective belongs to no single service.")}
            )


class ProcessCard(Approvable):
    """A process card with exactly the fields of the manual's §4.1."""

    class Level(models.IntegerChoices):
        AGENCY = 1, _("level 1: agency-wide")
        UNIT = 2, _("level 2: in a unit")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, default=1
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processes",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_processes",
        help_text=_("Required before the card can be approved."),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("process manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_processes",
    )
    goal = models.TextField(_("goal"), blank=True)
    tasks = models.TextField(_("tasks"), blank=True)
    executors = models.TextField(_("responsible executors"), blank=True)
    inputs = models.TextField(_("inputs"), blank=True)
    outputs = models.TextField(_("outputs"), blank=True)
    external_documents = models.TextField(
        _("governing documents: external"), blank=True
    )
    internal_documents = models.TextField(
        _("governing documents: internal"), blank=True
    )
    records = models.TextField(_("records"), blank=True)
    effectiveness_criteria = models.TextField(_("effectiveness criteria"), blank=True)
    methods = models.TextField(_("monitoring and measurement methods"), blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="process_participation",
        help_text=_("They agree the card with its owner."),
    )
    clauses = models.ManyToManyField(
        IsoClause,
        verbose_name=_("ISO 9001 clauses"),
        blank=True,
        related_name="processes",
    )
    history = HistoricalRecords(m2m_fields=[participants])

    signed_fields = (
        "code",
        "name",
        "level",
        "unit",
        "owner",
        "manager",
        "goal",
        "tasks",
        "executors",
        "inputs",
        "outputs",
        "external_documents",
        "internal_documents",
        "records",
        "effectiveness_criteria",
        "methods",
    )
    pdf_template = "pdf/quality/process_card.html"

    class Meta:
        verbose_name = _("process card")
        verbose_name_plural = _("process cards")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("quality:process_detail", args=[self.pk])

    @property
    def document_code(self) -> str:  # type: ignore[override]
        return self.code

    def approval_problems(self) -> list[str]:
        if self.owner_id is None:
            return [
                str(_("Name the process owner before sending the card for approval."))
            ]
        return []


class Indicator(models.Model):
    """A KPI (§8.2.3): target, direction, frequency, owner; measured per period."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        HALF_YEAR = "half_year", _("every half-year")
        YEARLY = "yearly", _("yearly")

    class Status(models.TextChoices):
        GREEN = "green", _("target met")
        AMBER = "amber", _("close to target")
        RED = "red", _("target missed")
        NONE = "none", _("not measured")

    name = models.CharField(_("name"), max_length=200)
    process = models.ForeignKey(
        ProcessCard,
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    unit = models.CharField(_("unit of measure"), max_length=30, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    direction = models.CharField(
        _("direction"),
        max_length=6,
        choices=Direction.choices,
        default=Direction.HIGHER,
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
    )
    amber_margin = models.DecimalField(
        _("amber margin, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Within this share of the target a miss shows amber, beyond it red."
        ),
    )
    active = models.BooleanField(_("measured"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quality:indicator_detail", args=[self.pk])

    def status_of(self, value: Decimal | None) -> str:
        """Green when the target is met, amber within the margin, red beyond."""
        if value is None:
            return self.Status.NONE
        met = (
            value >= self.target
            if self.direction == self.Direction.HIGHER
            else value <= self.target
        )
        if met:
            return self.Status.GREEN
        margin = abs(self.target) * self.amber_margin / Decimal(100)
        gap = abs(value - self.target)
        return self.Status.AMBER if gap <= margin else self.Status.RED


class Measurement(models.Model):
    """One value of an indicator for one period (its first day)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements"
    )
    period = models.DateField(_("period"), help_text=_("The first day of the period."))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="measurement_one_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period:%Y-%m})"

    @property
    def status(self) -> str:
        return self.indicator.status_of(self.value)


# --- Object permissions (guardian, direct foreign keys) ----------------------
# The development concept and the corporate objectives are for top management
# only (§5.5.1): permissions are granted row by row, joined in SQL.


class ConceptUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(DevelopmentConcept, on_delete=models.CASCADE)


class ConceptGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(DevelopmentConcept, on_delete=models.CASCADE)


class ObjectiveUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Objective, on_delete=models.CASCADE)


class ObjectiveGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Objective, on_delete=models.CASCADE)
