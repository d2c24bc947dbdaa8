"""Client projects (ДЖ-08, ПК-02), work planning (ПК-04) and client property.

The agency's main service: accreditation projects for education
organisations and programmes, run by a project manager and a referent with
an expert team (DOMAIN.md §4.9). Clients are the register other apps
(Satisfaction, Training) point at. Each lifecycle has one transitions table
beside its model; the services refuse any other move.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from sapat.signing.models import Approvable, Signable

# --- Clients -----------------------------------------------------------------


class Client(models.Model):
    """An education organisation or programme the agency serves."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("education organisation")
        PROGRAMME = "programme", _("education programme")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.ORGANISATION
    )
    organisation = models.ForeignKey(
        "self",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        help_text=_("For a programme: the organisation that runs it."),
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    general_director = models.CharField(
        _("general director"), max_length=200, blank=True
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:client_detail", args=[self.pk])

    def clean(self) -> None:
        if self.organisation_id and self.kind != self.Kind.PROGRAMME:
            raise ValidationError(
                {"organisation": _("Only a programme belongs to an organisation.")}
            )
        if self.organisation_id and self.organisation_id == self.pk:
            raise ValidationError(
                {"organisation": _("A client cannot belong to itself.")}
            )


class ClientContact(models.Model):
    """A representative of the client and how to reach them."""

    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("client contact")
        verbose_name_plural = _("client contacts")
        ordering = ["client", "name"]

    def __str__(self) -> str:
        if self.position:
            return f"{self.name} ({self.position})"
        return self.name

    def get_absolute_url(self) -> str:
        return self.client.get_absolute_url() + "#contacts"


class Communication(models.Model):
    """An entry of the communication log with a client (§7.2.3)."""

    class Kind(models.TextChoices):
        ENQUIRY = "enquiry", _("enquiry")
        CONTRACT = "contract", _("contract")
        FEEDBACK = "feedback", _("feedback")
        OTHER = "other", _("other")

    class Direction(models.TextChoices):
        INCOMING = "in", _("from the client")
        OUTGOING = "out", _("to the client")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="communications"
    )
    project = models.ForeignKey(
        "Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communications",
    )
    contact = models.ForeignKey(
        ClientContact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    direction = models.CharField(
        _("direction"),
        max_length=3,
        choices=Direction.choices,
        default=Direction.INCOMING,
    )
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        if (
            self.contact_id
            and self.client_id
            and self.contact.client_id != (self.client_id)
        ):
            raise ValidationError(
                {"contact": _("The contact is not a representative of this client.")}
            )
        if (
            self.project_id
            and self.client_id
            and self.project.client_id != (self.client_id)
        ):
            raise ValidationError({"project": _("The project is for another client.")})


class ServiceType(models.TextChoices):
    PROGRAMMATIC = "programmatic", _("programmatic accreditation")
    INSTITUTIONAL = "institutional", _("institutional accreditation")
    COURSES = "courses", _("professional-development courses")
    CONSULTING = "consulting", _("consulting")
    QMS = "qms", _("QMS implementation or support")


class RequirementsReview(Signable):
    """The review of the client's requirements before a contract (§7.2.2)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("not decided")
        ACCEPT = "accept", _("accept")
        DECLINE = "decline", _("decline")

    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    service_type = models.CharField(
        _("service"), max_length=14, choices=ServiceType.choices
    )
    client_requests = models.TextField(_("what the client asks"))
    legal_requirements = models.TextField(
        _("legal and mandatory requirements"), blank=True
    )
    unstated_requirements = models.TextField(
        _("requirements not stated by the client"), blank=True
    )
    capacity = models.TextField(
        _("capacity check"),
        blank=True,
        help_text=_("Experts, time and resources available for the work."),
    )
    capacity_ok = models.BooleanField(_("the agency can do it"), default=False)
    decision = models.CharField(
        _("decision"),
        max_length=8,
        choices=Decision.choices,
        default=Decision.PENDING,
        editable=False,
    )
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_on = models.DateField(_("decided on"), null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn up by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("drawn up"), auto_now_add=True)
    history = HistoricalRecords()

    signed_fields = (
        "client",
        "service_type",
        "client_requests",
        "legal_requirements",
        "unstated_requirements",
        "capacity",
        "capacity_ok",
        "decision",
        "decision_note",
    )
    pdf_template = "pdf/projects/requirements_review.html"

    class Meta:
        verbose_name = _("requirements review")
        verbose_name_plural = _("requirements reviews")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(
            _("Requirements review: %(client)s, %(service)s")
            % {"client": self.client, "service": self.get_service_type_display()}
        )

    def get_absolute_url(self) -> str:
        return reverse("projects:review_detail", args=[self.pk])


#: A review is decided once.
REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    RequirementsReview.Decision.PENDING: frozenset(
        {RequirementsReview.Decision.ACCEPT, RequirementsReview.Decision.DECLINE}
    ),
    RequirementsReview.Decision.ACCEPT: frozenset(),
    RequirementsReview.Decision.DECLINE: frozenset(),
}


# --- Projects ----------------------------------------------------------------


class Stage(models.TextChoices):
    """The lifecycle of a project (DOMAIN.md §4.9), in order."""

    NEGOTIATION = "negotiation", _("negotiation")
    REQUIREMENTS = "requirements", _("requirements")
    CONTRACT_REVIEW = "contract", _("contract review")
    PLANNING = "planning", _("planning")
    EXECUTION = "execution", _("execution")
    REPORTS = "reports", _("reports")
    CLOSE = "close", _("close")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)


class ProjectStatus(models.TextChoices):
    NEGOTIATION = "negotiation", _("negotiation")
    REQUIREMENTS = "requirements", _("requirements")
    CONTRACT_REVIEW = "contract", _("contract review")
    PLANNING = "planning", _("planning")
    EXECUTION = "execution", _("execution")
    REPORTS = "reports", _("reports")
    CLOSE = "close", _("closing")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


#: A project moves one stage forward at a time; it can be cancelled until it
#: is closed. Finishing the close stage closes it.
PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    **{
        current: frozenset({following, ProjectStatus.CANCELLED})
        for current, following in zip(
            STAGE_ORDER, (*STAGE_ORDER[1:], ProjectStatus.CLOSED), strict=True
        )
    },
    ProjectStatus.CLOSED: frozenset(),
    ProjectStatus.CANCELLED: frozenset(),
}

OPEN_STATUSES: tuple[str, ...] = STAGE_ORDER


class Project(models.Model):
    """An accreditation, courses, consulting or QMS project for a client."""

    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    code = models.CharField(
        _("code"), max_length=30, unique=True, help_text=_("E.g. П-2025-014.")
    )
    title = models.CharField(_("title"), max_length=300)
    service_type = models.CharField(
        _("service"), max_length=14, choices=ServiceType.choices
    )
    review = models.ForeignKey(
        RequirementsReview,
        verbose_name=_("requirements review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    complexity = models.PositiveSmallIntegerField(
        _("complexity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("Set by the director: 1 simple to 3 complex."),
    )
    area = models.ForeignKey(
        "training.ExpertiseArea",
        verbose_name=_("field of expertise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The experts are matched against it."),
    )
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project manager"),
        on_delete=models.PROTECT,
        related_name="managed_projects",
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referent_projects",
    )
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=ProjectStatus.choices,
        default=ProjectStatus.NEGOTIATION,
        editable=False,
        db_index=True,
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("planned end"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, editable=False)
    quality_programme = models.TextField(_("quality programme"), blank=True)
    estimate = models.DecimalField(
        _("estimate"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    team_order = models.CharField(
        _("director's order forming the team"), max_length=100, blank=True
    )
    team_order_date = models.DateField(_("order date"), null=True, blank=True)
    # At close (§8.2.1, §8.4).
    assessment = models.TextField(
        _("project manager's assessment"), blank=True, editable=False
    )
    supplier_analysis = models.TextField(
        _("analysis of the suppliers used"), blank=True, editable=False
    )
    suppliers = models.ManyToManyField(
        "suppliers.Supplier",
        verbose_name=_("suppliers used"),
        related_name="projects",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "-id"]
        permissions = [
            ("viewproperty_project", _("Can see the client's property of a project")),
            ("setcomplexity_project", _("Can set the complexity and form the team")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end cannot be before the start.")}
            )


class ProjectUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class ProjectGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class StageStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", _("in progress")
    DONE = "done", _("done")


#: The lifecycle of one stage of a project.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    StageStatus.PLANNED: frozenset({StageStatus.ACTIVE}),
    StageStatus.ACTIVE: frozenset({StageStatus.DONE}),
    StageStatus.DONE: frozenset(),
}


class ProjectStage(models.Model):
    """One stage of a project's lifecycle, with its dates and owner."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(_("stage"), max_length=14, choices=Stage.choices)
    order = models.PositiveSmallIntegerField(_("order"), editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    started_on = models.DateField(_("started"), null=True, editable=False)
    finished_on = models.DateField(_("finished"), null=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=StageStatus.choices,
        default=StageStatus.PLANNED,
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"], name="project_stage_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url() + "#stages"

    def clean(self) -> None:
        if (
            self.planned_start
            and self.planned_end
            and self.planned_end < self.planned_start
        ):
            raise ValidationError(
                {"planned_end": _("The end cannot be before the start.")}
            )


class TeamRole(models.TextChoices):
    LEAD_EXPERT = "lead", _("lead expert")
    EXPERT = "expert", _("expert")
    TRAINER = "trainer", _("trainer")
    CONSULTANT = "consultant", _("consultant")
    COORDINATOR = "coordinator", _("coordinator")
    OBSERVER = "observer", _("observer")


class TeamMember(models.Model):
    """A member of a project's team (formed by a director's order, §5.2)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="project_memberships",
    )
    expert = models.ForeignKey(
        "training.Expert",
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=12, choices=TeamRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["project", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"], name="team_member_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


# --- Meetings and decisions --------------------------------------------------


class MeetingKind(models.TextChoices):
    OPERATIONAL = "operational", _("weekly operational meeting")
    WEEKLY = "weekly", _("project weekly meeting")
    STATUS = "status", _("project status meeting")


class Meeting(models.Model):
    """A meeting with minutes: the director's weekly operational meeting
    (§5.5.3) or a project's weekly or status meeting (§7.5.1, §7.5.3)."""

    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    number = models.CharField(_("minutes number"), max_length=30)
    date = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendees"),
        related_name="+",
        blank=True,
    )
    minutes = models.TextField(_("minutes"), blank=True)
    complaints = models.TextField(
        _("complaints discussed"),
        blank=True,
        help_text=_("Complaints about the project discussed at the meeting."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"], name="meeting_minutes_number_once"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(kind)s, minutes %(number)s of %(date)s")
            % {
                "kind": self.get_kind_display(),
                "number": self.number,
                "date": self.date,
            }
        )

    def get_absolute_url(self) -> str:
        return reverse("projects:meeting_detail", args=[self.pk])

    def clean(self) -> None:
        if self.kind == MeetingKind.OPERATIONAL and self.project_id:
            raise ValidationError(
                {"project": _("The operational meeting is not about one project.")}
            )
        if self.kind != MeetingKind.OPERATIONAL and not self.project_id:
            raise ValidationError({"project": _("Choose the project of the meeting.")})


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


#: A decision of the minutes is tracked to done (or cancelled).
DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    DecisionStatus.OPEN: frozenset({DecisionStatus.DONE, DecisionStatus.CANCELLED}),
    DecisionStatus.DONE: frozenset(),
    DecisionStatus.CANCELLED: frozenset(),
}


class Decision(models.Model):
    """A decision of the minutes, with an owner and a due date."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DecisionStatus.choices,
        default=DecisionStatus.OPEN,
        editable=False,
    )
    done_on = models.DateField(_("done on"), null=True, editable=False)
    preventive_action = models.ForeignKey(
        "capa.Action",
        verbose_name=_("preventive action"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url() + f"#decision-{self.pk}"


# --- Deliverables ------------------------------------------------------------


class DeliverableKind(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("self-assessment report")
    EXPERT_CONCLUSION = "conclusion", _("expert commission conclusion")
    STANDARD_FORM = "form", _("standard form")
    OTHER = "other", _("other report")


def deliverable_upload_to(instance, filename: str) -> str:
    return f"projects/{instance.project_id}/deliverables/{filename}"


class Deliverable(Approvable):
    """A report of the project: verified by the client's representatives,
    approved by the director, kept as a record (§7.3.5–7.3.7).

    Before approval it is changed freely. After approval a change is a new
    version that needs a decision of the project's status meeting.
    """

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="deliverables"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DeliverableKind.choices)
    title = models.CharField(_("title"), max_length=300)
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    file = models.FileField(_("file"), upload_to=deliverable_upload_to, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    change_decision = models.ForeignKey(
        Decision,
        verbose_name=_("status-meeting decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("prepared"), auto_now_add=True)
    history = HistoricalRecords()

    signed_fields = ("project", "kind", "title", "version", "file", "summary")
    pdf_template = "pdf/projects/deliverable.html"

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["project", "kind", "-version"]

    def may_send(self, user) -> bool:
        """Only those who manage this project (its manager, referent or top
        management) send it for approval."""
        from .selectors import can_manage_project

        return can_manage_project(user, self.project)

    def __str__(self) -> str:
        return str(
            _("%(title)s, version %(version)s")
            % {"title": self.title, "version": self.version}
        )

    def get_absolute_url(self) -> str:
        return reverse("projects:deliverable_detail", args=[self.pk])

    def viewable_by(self, user) -> bool:
        from .selectors import can_view_project

        return can_view_project(user, self.project)

    def approval_problems(self) -> list[str]:
        problems = []
        if not self.file:
            problems.append(str(_("Attach the report before sending it.")))
        if not self.client_signatures.exists():
            problems.append(
                str(_("Record the client representatives' verification first."))
            )
        return problems

    def on_approved(self, actor=None) -> None:
        from .services import on_deliverable_approved

        on_deliverable_approved(self, actor=actor)

    def clean(self) -> None:
        if self.supersedes_id:
            previous = self.supersedes
            if previous.approval_status in ("approved", "superseded"):
                decision = self.change_decision
                if decision is None:
                    raise ValidationError(
                        _(
                            "An approved report is changed only by a decision of "
                            "the project's status meeting."
                        )
                    )
                meeting = decision.meeting
                if (
                    meeting.kind != MeetingKind.STATUS
                    or meeting.project_id != self.project_id
                ):
                    raise ValidationError(
                        {
                            "change_decision": _(
                                "The decision must come from a status meeting of "
                                "this project."
                            )
                        }
                    )


class ClientSignature(models.Model):
    """A client representative's signature verifying a deliverable (recorded)."""

    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="client_signatures"
    )
    contact = models.ForeignKey(
        ClientContact,
        verbose_name=_("representative"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_on = models.DateField(_("signed on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("client signature")
        verbose_name_plural = _("client signatures")
        ordering = ["deliverable", "signed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "contact"], name="client_signature_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} {self.signed_on}"


# --- Contracts ---------------------------------------------------------------


def contract_upload_to(instance, filename: str) -> str:
    return f"projects/contracts/{instance.client_id}/{filename}"


class ContractVersion(Approvable):
    """A version of a contract draft with its agreement sheet (§7.2.2).

    Every version is kept; only an agreed (approved) version can be sent.
    """

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="contracts"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    number = models.CharField(_("contract number"), max_length=50)
    version = models.PositiveSmallIntegerField(_("version"), editable=False)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=contract_upload_to)
    terms_of_reference = models.TextField(_("terms of reference"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    sent_on = models.DateField(_("sent to the client"), null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    history = HistoricalRecords()

    signed_fields = ("client", "number", "version", "title", "file")
    pdf_template = "pdf/approvable.html"

    class Meta:
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        ordering = ["client", "number", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "number", "version"], name="contract_version_once"
            ),
        ]

    def may_send(self, user) -> bool:
        """Only those who manage this project (its manager, referent or top
        management) send it for approval."""
        from .selectors import can_manage_project

        return can_manage_project(user, self.project)

    def __str__(self) -> str:
        return str(
            _("Contract %(number)s, version %(version)s")
            % {"number": self.number, "version": self.version}
        )

    def get_absolute_url(self) -> str:
        return reverse("projects:contract_detail", args=[self.pk])

    def viewable_by(self, user) -> bool:
        from sapat.access import can

        return can(user, "view", self) or (
            self.project_id is not None
            and self.project.project_manager_id == getattr(user, "pk", None)
        )


# --- Client property ---------------------------------------------------------


class Medium(models.TextChoices):
    PAPER = "paper", _("paper")
    ELECTRONIC = "electronic", _("electronic")
    BOTH = "both", _("paper and electronic")


def client_document_upload_to(instance, filename: str) -> str:
    return f"projects/{instance.project_id}/client/{filename}"


class ClientDocument(models.Model):
    """Documents and data received from the client (§7.5.4).

    Visible only to the project team and top management. The referent is
    responsible; paper documents are returned on request (РИ-05).
    """

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="client_documents",
    )
    title = models.CharField(_("what"), max_length=300)
    medium = models.CharField(_("format"), max_length=10, choices=Medium.choices)
    received_on = models.DateField(_("received on"))
    received_from = models.CharField(_("from whom"), max_length=200)
    location = models.CharField(_("where kept"), max_length=200)
    file = models.FileField(_("file"), upload_to=client_document_upload_to, blank=True)
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("custodian"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_requested = models.BooleanField(_("return requested"), default=False)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    returned_to = models.CharField(_("returned to"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("client document")
        verbose_name_plural = _("client documents")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:client_document_detail", args=[self.pk])

    @property
    def is_returned(self) -> bool:
        return self.returned_on is not None

    def clean(self) -> None:
        if (
            self.returned_on
            and self.received_on
            and self.returned_on < self.received_on
        ):
            raise ValidationError(
                {"returned_on": _("A document cannot be returned before it came.")}
            )


# --- Work planning (ПК-04) ---------------------------------------------------


class PlanKind(models.TextChoices):
    YEARLY = "yearly", _("yearly work plan")
    MONTHLY = "monthly", _("monthly work plan")
    WEEKLY = "weekly", _("weekly accreditation plan")


class WorkPlan(models.Model):
    """The agency's yearly or monthly work plan, or a weekly accreditation plan."""

    kind = models.CharField(_("kind"), max_length=8, choices=PlanKind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    period = models.PositiveSmallIntegerField(
        _("month or week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(53)],
        help_text=_("The month (1–12) of a monthly plan, the ISO week of a weekly."),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn up by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year", "kind", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "period"],
                name="work_plan_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        if self.kind == PlanKind.YEARLY:
            label = _("Work plan for %(year)s") % {"year": self.year}
        elif self.kind == PlanKind.MONTHLY:
            label = _("Work plan for %(month)02d/%(year)s") % {
                "month": self.period or 0,
                "year": self.year,
            }
        else:
            label = _("Accreditation plan, week %(week)s of %(year)s") % {
                "week": self.period,
                "year": self.year,
            }
        return str(label)

    def get_absolute_url(self) -> str:
        return reverse("projects:plan_detail", args=[self.pk])

    def clean(self) -> None:
        if self.kind == PlanKind.YEARLY and self.period:
            raise ValidationError({"period": _("A yearly plan has no month or week.")})
        if self.kind != PlanKind.YEARLY and not self.period:
            raise ValidationError({"period": _("Give the month or the week.")})
        if self.kind == PlanKind.MONTHLY and self.period and self.period > 12:
            raise ValidationError({"period": _("A month is from 1 to 12.")})


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


#: The lifecycle of a plan item or execution-plan task.
ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    ItemStatus.PLANNED: frozenset(
        {ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.CANCELLED}
    ),
    ItemStatus.IN_PROGRESS: frozenset(
        {ItemStatus.DONE, ItemStatus.CANCELLED, ItemStatus.PLANNED}
    ),
    ItemStatus.DONE: frozenset(),
    ItemStatus.CANCELLED: frozenset(),
}


class PlanItem(models.Model):
    """An item of a work plan or a task of a project's execution plan."""

    class Kind(models.TextChoices):
        TASK = "task", _("task")
        VISIT = "visit", _("visit")
        MILESTONE = "milestone", _("milestone")

    plan = models.ForeignKey(
        WorkPlan,
        verbose_name=_("work plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    stage = models.CharField(
        _("stage"), max_length=14, choices=Stage.choices, blank=True
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.TASK
    )
    title = models.CharField(_("title"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ItemStatus.choices,
        default=ItemStatus.PLANNED,
        editable=False,
    )
    done_on = models.DateField(_("done on"), null=True, editable=False)
    status_note = models.TextField(_("weekly status"), blank=True, editable=False)
    status_updated_on = models.DateField(_("status updated"), null=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan__isnull=False)
                | models.Q(project__isnull=False),
                name="plan_item_belongs_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.project_id:
            return reverse("projects:project_detail", args=[self.project_id]) + (
                "?tab=plan"
            )
        return reverse("projects:plan_detail", args=[self.plan_id])

    @property
    def is_open(self) -> bool:
        return self.status in (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS)

    def clean(self) -> None:
        if not self.plan_id and not self.project_id:
            raise ValidationError(_("An item belongs to a plan or a project."))
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": _("The due date is before the start.")})
