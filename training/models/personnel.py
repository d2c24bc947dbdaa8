"""Personnel and competence (ДЖ-12, manual §6.2).

Posts and the competences they require, staff files (education, trainings
taken, competences held), the experts database and its public
qualification matrix, the yearly attestation, training needs and the
yearly staff training plan, and the induction of newcomers.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sapat.signing.models import Approvable, Signable

#: The one scale of levels for competences and fields of expertise.
LEVEL_MIN = 1
LEVEL_MAX = 3


class Level(models.IntegerChoices):
    BASIC = 1, _("1: basic")
    PROFICIENT = 2, _("2: proficient")
    EXPERT = 3, _("3: expert")


def level_field(verbose_name=None, **kwargs) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name or _("level"),
        choices=Level.choices,
        validators=[MinValueValidator(LEVEL_MIN), MaxValueValidator(LEVEL_MAX)],
        **kwargs,
    )


def level_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(level__gte=LEVEL_MIN, level__lte=LEVEL_MAX), name=name
    )


#: The code of the competence internal audits require (ДЖ-06).
INTERNAL_AUDITOR = "internal-auditor"


class Competence(models.Model):
    """Something a post requires and a person holds, at a level."""

    code = models.SlugField(
        _("code"), max_length=50, unique=True, help_text=_("E.g. internal-auditor.")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:competence_detail", args=[self.pk])

    @property
    def is_internal_auditor(self) -> bool:
        return self.code == INTERNAL_AUDITOR


class ExpertiseArea(models.Model):
    """A field of expertise of the qualification matrix."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("field of expertise")
        verbose_name_plural = _("fields of expertise")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:area_edit", args=[self.pk])


class Post(models.Model):
    """A post of the organisation structure with its job description."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
    )
    job_description = models.ForeignKey(
        "documents.Document",
        verbose_name=_("job description"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    duties = models.TextField(_("duties"), blank=True)
    competences = models.ManyToManyField(
        Competence,
        through="PostCompetence",
        verbose_name=_("required competences"),
        related_name="posts",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:post_detail", args=[self.pk])


class PostCompetence(models.Model):
    """A competence a post requires, at a level."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="requirements"
    )
    competence = models.ForeignKey(
        Competence,
        verbose_name=_("competence"),
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    level = level_field(_("required level"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required competence")
        verbose_name_plural = _("required competences")
        ordering = ["post", "competence__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "competence"], name="post_competence_once"
            ),
            level_constraint("post_competence_level_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.competence}: {self.level}"


class Employee(models.Model):
    """The staff file of one member of staff."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="staff_file",
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employees",
    )
    hired_on = models.DateField(_("hired on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    education = models.TextField(_("education"), blank=True)
    qualifications = models.TextField(
        _("qualifications"), blank=True, help_text=_("Degrees, titles, licences.")
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff file")
        verbose_name_plural = _("staff files")
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("hired_on")),
                name="employee_leaves_after_hire",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("training:employee_detail", args=[self.pk])

    def clean(self) -> None:
        if self.left_on and self.hired_on and self.left_on < self.hired_on:
            raise ValidationError(
                {"left_on": _("A person cannot leave before being hired.")}
            )

    @property
    def is_current(self) -> bool:
        return self.left_on is None


def certificate_upload_to(instance, filename: str) -> str:
    return f"training/certificates/{instance.employee_id}/{filename}"


class TrainingTaken(models.Model):
    """A training a member of staff took, with its certificate."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("internal")
        EXTERNAL = "external", _("external")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("staff file"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    title = models.CharField(_("title"), max_length=300)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.EXTERNAL
    )
    issued_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("certificate valid until"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    certificate = models.FileField(
        _("certificate"), upload_to=certificate_upload_to, blank=True
    )
    competence = models.ForeignKey(
        Competence,
        verbose_name=_("competence developed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
    )
    level = level_field(_("level reached"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training taken")
        verbose_name_plural = _("trainings taken")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="training_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True)
                | models.Q(level__gte=LEVEL_MIN, level__lte=LEVEL_MAX),
                name="training_level_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.employee.get_absolute_url()

    def clean(self) -> None:
        if self.expires_on and self.issued_on and self.expires_on < self.issued_on:
            raise ValidationError(
                {"expires_on": _("A certificate cannot expire before it was issued.")}
            )
        if self.level and not self.competence_id:
            raise ValidationError(
                {"competence": _("Say which competence reached this level.")}
            )


def evidence_upload_to(instance, filename: str) -> str:
    return f"training/evidence/{instance.employee_id}/{filename}"


class CompetenceHeld(models.Model):
    """A competence a person holds, at a level, with its evidence."""

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("staff file"),
        on_delete=models.CASCADE,
        related_name="competences_held",
    )
    competence = models.ForeignKey(
        Competence,
        verbose_name=_("competence"),
        on_delete=models.PROTECT,
        related_name="holders",
    )
    level = level_field()
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("Diploma, certificate, assessment.")
    )
    evidence_file = models.FileField(
        _("evidence file"), upload_to=evidence_upload_to, blank=True
    )
    assessed_on = models.DateField(_("assessed on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competence held")
        verbose_name_plural = _("competences held")
        ordering = ["employee", "competence__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "competence"], name="competence_held_once"
            ),
            level_constraint("competence_held_level_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.employee}: {self.competence} ({self.level})"


# --- Experts -----------------------------------------------------------------


def cv_upload_to(instance, filename: str) -> str:
    return f"training/cv/{filename}"


#: Fields of an expert shown publicly, with the expert's consent, always.
PUBLIC_FIELDS = ("name", "areas")
#: Fields an expert may additionally agree to publish, one by one.
OPTIONAL_PUBLIC_FIELDS = ("affiliation", "country", "email", "phone", "cv")


class Expert(models.Model):
    """An internal (member of staff) or external expert of the database."""

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("available")
        LIMITED = "limited", _("limited")
        UNAVAILABLE = "unavailable", _("not available")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member of staff"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert",
        help_text=_("Empty for an external expert."),
    )
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    cv = models.FileField(_("CV"), upload_to=cv_upload_to, blank=True)
    availability = models.CharField(
        _("availability"),
        max_length=12,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    availability_note = models.CharField(
        _("availability note"), max_length=300, blank=True
    )
    public_consent = models.BooleanField(
        _("agrees to appear in the public matrix"),
        default=False,
        help_text=_("Name, fields of expertise and levels only."),
    )
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    public_affiliation = models.BooleanField(_("organisation public"), default=False)
    public_country = models.BooleanField(_("country public"), default=False)
    public_email = models.BooleanField(_("e-mail public"), default=False)
    public_phone = models.BooleanField(_("phone public"), default=False)
    public_cv = models.BooleanField(_("CV public"), default=False)
    active = models.BooleanField(_("in the database"), default=True)
    areas = models.ManyToManyField(
        ExpertiseArea,
        through="ExpertArea",
        verbose_name=_("fields of expertise"),
        related_name="experts",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name"]
        permissions = [
            ("viewcontacts_expert", _("Can see experts' contacts and CVs")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:expert_detail", args=[self.pk])

    @property
    def is_internal(self) -> bool:
        return self.user_id is not None

    def public_values(self) -> dict[str, str]:
        """The optional fields the expert agreed to publish, with values."""
        if not self.public_consent:
            return {}
        shown = {}
        for name in OPTIONAL_PUBLIC_FIELDS:
            if getattr(self, f"public_{name}") and getattr(self, name):
                shown[name] = getattr(self, name)
        return shown


class ExpertArea(models.Model):
    """An expert's level in a field of expertise: a cell of the matrix."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="area_levels"
    )
    area = models.ForeignKey(
        ExpertiseArea,
        verbose_name=_("field of expertise"),
        on_delete=models.PROTECT,
        related_name="expert_levels",
    )
    level = level_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expert's field")
        verbose_name_plural = _("experts' fields")
        ordering = ["expert", "area__order"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "area"], name="expert_area_once"),
            level_constraint("expert_area_level_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.expert}: {self.area} ({self.level})"


def client_key(name: str) -> str:
    """A client's name as compared: no quotes, case or extra spaces."""
    name = re.sub(r"[«»\"'“”„]", " ", name or "")
    return " ".join(name.casefold().split())


class ConflictOfInterest(models.Model):
    """A declared conflict of interest of an expert with a client.

    Projects will link the client itself; until then the client is named.
    """

    expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    client_name = models.CharField(_("client"), max_length=300)
    client_key = models.CharField(max_length=300, editable=False, db_index=True)
    declared_on = models.DateField(_("declared on"))
    note = models.TextField(_("nature of the conflict"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_on", "-id"]

    def __str__(self) -> str:
        return f"{self.expert}: {self.client_name}"

    def save(self, *args, **kwargs):
        self.client_key = client_key(self.client_name)
        super().save(*args, **kwargs)


# --- Attestation, needs, plan ------------------------------------------------


class Attestation(Approvable):
    """The yearly attestation of one person: the commission agrees its
    result, the director approves it (§6.2)."""

    class Result(models.TextChoices):
        MEETS = "meets", _("meets the requirements of the post")
        TRAINING = "training", _("meets them, subject to training")
        DOES_NOT_MEET = "fails", _("does not meet them")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("staff file"),
        on_delete=models.PROTECT,
        related_name="attestations",
    )
    date = models.DateField(_("date"))
    commission = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commission"),
        related_name="+",
        help_text=_("They agree the result; the director approves it."),
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    recommendations = models.TextField(_("recommendations"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn up by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[commission])

    signed_fields = ("employee", "date", "commission", "result", "recommendations")
    pdf_template = "pdf/training/attestation.html"

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return str(
            _("Attestation of %(name)s, %(date)s")
            % {"name": self.employee, "date": self.date.strftime("%d.%m.%Y")}
        )

    def get_absolute_url(self) -> str:
        return reverse("training:attestation_detail", args=[self.pk])

    def viewable_by(self, user) -> bool:
        from sapat.access import can

        if not (user and user.is_authenticated and user.is_active):
            return False
        return (
            can(user, "view", self)
            or self.employee.user_id == user.pk
            or self.commission.filter(pk=user.pk).exists()
        )

    def signed_content(self) -> dict:
        """The training needs are part of what the commission agrees."""
        content = super().signed_content()
        content["needs"] = [
            [need.competence_id, need.topic, need.level]
            for need in self.needs.order_by("id")
        ]
        return content

    def pdf_context(self) -> dict:
        return {"needs": list(self.needs.select_related("competence"))}


class TrainingNeed(models.Model):
    """A training need of a person, from one of the sources of §6.2."""

    class Source(models.TextChoices):
        ATTESTATION = "attestation", _("attestation")
        PROJECTS = "projects", _("projects' expected needs")
        CONCEPT = "concept", _("development concept")
        MANAGEMENT = "management", _("top management's instruction")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("staff file"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    competence = models.ForeignKey(
        Competence,
        verbose_name=_("competence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
    )
    level = level_field(_("level wanted"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    attestation = models.ForeignKey(
        Attestation,
        verbose_name=_("attestation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="needs",
    )
    created_at = models.DateTimeField(_("noted"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(topic="") | models.Q(competence__isnull=False),
                name="need_has_topic_or_competence",
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True)
                | models.Q(level__gte=LEVEL_MIN, level__lte=LEVEL_MAX),
                name="need_level_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.topic or str(self.competence)

    def clean(self) -> None:
        if not self.topic.strip() and not self.competence_id:
            raise ValidationError(_("Name a competence or a topic."))
        if self.source == self.Source.ATTESTATION and not self.attestation_id:
            raise ValidationError(
                {"source": _("A need from an attestation is added on its page.")}
            )


class StaffTrainingPlan(Approvable):
    """The yearly staff training plan, approved by the director (§6.2)."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    signed_fields = ("year", "notes")
    pdf_template = "pdf/training/plan.html"

    class Meta:
        verbose_name = _("staff training plan")
        verbose_name_plural = _("staff training plans")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(_("Staff training plan for %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("training:plan_detail", args=[self.year])

    def approval_problems(self) -> list[str]:
        if not self.items.exists():
            return [str(_("Add the trainings before sending the plan."))]
        return []

    def signed_content(self) -> dict:
        """The trainings are what the director approves; who organises
        each is not (it changes when someone leaves)."""
        content = super().signed_content()
        content["items"] = [
            [
                item.employee_id,
                item.topic,
                item.competence_id,
                item.level,
                item.planned_on.isoformat(),
            ]
            for item in self.items.order_by("id")
        ]
        return content

    def pdf_context(self) -> dict:
        return {
            "items": list(
                self.items.select_related(
                    "employee__user", "competence", "responsible"
                ).order_by("planned_on", "id")
            )
        }


class PlanItemStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


#: A planned training is done (a training taken is recorded) or cancelled.
PLAN_ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanItemStatus.PLANNED: frozenset({PlanItemStatus.DONE, PlanItemStatus.CANCELLED}),
    PlanItemStatus.DONE: frozenset(),
    PlanItemStatus.CANCELLED: frozenset(),
}


class PlanItem(models.Model):
    """One training of the plan: who, what, when, organised by whom."""

    plan = models.ForeignKey(
        StaffTrainingPlan, on_delete=models.CASCADE, related_name="items"
    )
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("staff file"),
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    need = models.ForeignKey(
        TrainingNeed,
        verbose_name=_("need"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    topic = models.CharField(_("training"), max_length=300)
    competence = models.ForeignKey(
        Competence,
        verbose_name=_("competence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = level_field(_("level wanted"), null=True, blank=True)
    planned_on = models.DateField(_("planned for"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PlanItemStatus.choices,
        default=PlanItemStatus.PLANNED,
        editable=False,
    )
    completed_by = models.OneToOneField(
        TrainingTaken,
        verbose_name=_("training taken"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_item",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "planned_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=True)
                | models.Q(level__gte=LEVEL_MIN, level__lte=LEVEL_MAX),
                name="plan_item_level_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee}: {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("training:plan_detail", args=[self.plan.year])

    def clean(self) -> None:
        if self.plan_id and self.planned_on and self.planned_on.year != self.plan.year:
            raise ValidationError(
                {
                    "planned_on": _("The date must fall in %(year)s.")
                    % {"year": self.plan.year}
                }
            )


# --- Induction ---------------------------------------------------------------


class Induction(models.Model):
    """The induction of a newcomer into the QMS (§6.2).

    Complete when the newcomer has acknowledged the revision in force of
    every document of the checklist and both briefings are signed.
    """

    employee = models.OneToOneField(
        Employee,
        verbose_name=_("staff file"),
        on_delete=models.PROTECT,
        related_name="induction",
    )
    started_on = models.DateField(_("started on"))
    documents = models.ManyToManyField(
        "documents.Document",
        verbose_name=_("documents to read"),
        related_name="+",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Follows the newcomer until the induction is complete."),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[documents])

    class Meta:
        verbose_name = _("induction")
        verbose_name_plural = _("inductions")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return str(_("Induction of %(name)s") % {"name": self.employee})

    def get_absolute_url(self) -> str:
        return reverse("training:induction_detail", args=[self.pk])


class Briefing(Signable):
    """The safety briefing (by the director) or the QMS briefing (by the
    director or a deputy) of an induction, signed by who gave it."""

    class Kind(models.TextChoices):
        SAFETY = "safety", _("safety briefing")
        QMS = "qms", _("QMS briefing")

    induction = models.ForeignKey(
        Induction, on_delete=models.CASCADE, related_name="briefings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    given_on = models.DateField(_("given on"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    history = HistoricalRecords()

    signed_fields = ("induction", "kind", "given_on", "given_by", "notes")

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["induction", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["induction", "kind"], name="briefing_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.induction.employee}"

    def get_absolute_url(self) -> str:
        return self.induction.get_absolute_url()

    def viewable_by(self, user) -> bool:
        from sapat.access import can

        return can(user, "view", self.induction) or (
            user.is_authenticated and self.induction.employee.user_id == user.pk
        )
