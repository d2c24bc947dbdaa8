"""The register of QMS documents, their revisions and paper copies (ДЖ-01)."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from sapat.signing.models import Approvable, ApprovalStatus


def normalise_code(code: str) -> str:
    """``ДЖ-01``, ``дж 01`` and ``ДЖ01`` all become ``дж01``."""
    return re.sub(r"[\W_]+", "", code).casefold()


class DocumentType(models.TextChoices):
    """The manual's kinds of internal document (§4.2.1)."""

    CHARTER = "charter", _("charter")
    CONCEPT = "concept", _("development concept")
    POLICY = "policy", _("quality policy and objectives")
    REGULATION = "regulation", _("regulation on the agency or a unit")
    QUALITY_MANUAL = "manual", _("quality manual")
    PROCEDURE = "procedure", _("documented procedure (ДЖ)")
    PROCESS_MAP = "process", _("process map (ПК)")
    INSTRUCTION = "instruction", _("work instruction (РИ)")
    PLAN = "plan", _("plan")
    ORDER = "order", _("order of the director")
    CONTRACT = "contract", _("contractual-legal document")
    FORM = "form", _("standard form")
    INFORMATION = "information", _("information material")


class Access(models.TextChoices):
    PUBLIC = "public", _("public: also on the website")
    STAFF = "staff", _("all staff")
    RESTRICTED = "restricted", _("named people and roles only")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("in preparation")
    IN_FORCE = "in_force", _("in force")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Document(models.Model):
    """One document of the register, whatever its revision."""

    code = models.CharField(
        _("code"), max_length=30, unique=True, help_text=_("E.g. ДЖ-01, ПК-03, РИ-05.")
    )
    title = models.CharField(_("title"), max_length=300)
    doc_type = models.CharField(_("type"), max_length=12, choices=DocumentType.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_documents",
    )
    owner_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    access = models.CharField(
        _("access"), max_length=10, choices=Access.choices, default=Access.STAFF
    )
    review_months = models.PositiveSmallIntegerField(
        _("review period, months"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    next_review = models.DateField(
        _("next review"), null=True, blank=True, db_index=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    distribution_groups = models.ManyToManyField(
        "auth.Group",
        verbose_name=_("distribution: roles"),
        blank=True,
        related_name="+",
        help_text=_("Who is told of each new revision; nobody chosen means all staff."),
    )
    distribution_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("distribution: people"),
        blank=True,
        related_name="+",
    )
    # A structured object of the quality core (policy, objective, process
    # card) appears in the register through this link, with no second copy
    # and no second approval.
    linked_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_id = models.PositiveBigIntegerField(null=True, blank=True)
    linked_object = GenericForeignKey("linked_type", "linked_id")
    clauses = models.ManyToManyField(
        "quality.IsoClause",
        verbose_name=_("ISO 9001 clauses"),
        blank=True,
        related_name="documents",
    )
    # The nomenclature of files is the manual's single list: every document
    # belongs to one of its items (records control; re-pointed each year).
    nomenclature_item = models.ForeignKey(
        "records.NomenclatureItem",
        verbose_name=_("nomenclature item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    #: Casefolded code, normalised code, title and text of the revision in
    #: force: what the search looks in (see documents.selectors).
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["code"]
        indexes = [models.Index(fields=["doc_type", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    def build_search_text(self, body: str = "") -> str:
        return " ".join(
            part.casefold()
            for part in (self.code, normalise_code(self.code), self.title, body)
            if part
        )


class RevisionStatus(models.TextChoices):
    DRAFT = ApprovalStatus.DRAFT.value, ApprovalStatus.DRAFT.label
    AGREEMENT = ApprovalStatus.AGREEMENT.value, ApprovalStatus.AGREEMENT.label
    APPROVAL = ApprovalStatus.APPROVAL.value, ApprovalStatus.APPROVAL.label
    APPROVED = ApprovalStatus.APPROVED.value, _("approved, not yet in force")
    IN_FORCE = "in_force", _("in force")
    OBSOLETE = "obsolete", _("obsolete")


#: The whole lifecycle of a revision, in one table: agreement and approval
#: through sapat.signing, then in force from its effective date, then obsolete
#: when the next revision comes in force (or the document is withdrawn).
REVISION_TRANSITIONS: dict[str, frozenset[str]] = {
    RevisionStatus.DRAFT: frozenset(
        {RevisionStatus.AGREEMENT, RevisionStatus.APPROVAL}
    ),
    RevisionStatus.AGREEMENT: frozenset(
        {RevisionStatus.APPROVAL, RevisionStatus.DRAFT}
    ),
    RevisionStatus.APPROVAL: frozenset({RevisionStatus.APPROVED, RevisionStatus.DRAFT}),
    RevisionStatus.APPROVED: frozenset(
        {RevisionStatus.IN_FORCE, RevisionStatus.OBSOLETE}
    ),
    RevisionStatus.IN_FORCE: frozenset({RevisionStatus.OBSOLETE}),
    RevisionStatus.OBSOLETE: frozenset(),
}


def revision_upload_to(instance, filename: str) -> str:
    return f"documents/{instance.document_id}/{instance.number}/{filename}"


class DocumentRevision(Approvable):
    """One revision of a document: a file and/or a text body."""

    approval_status = models.CharField(
        _("status"),
        max_length=12,
        choices=RevisionStatus.choices,
        default=RevisionStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("revision"))
    file = models.FileField(_("file"), upload_to=revision_upload_to, blank=True)
    file_type = models.CharField(
        _("file type"), max_length=10, blank=True, editable=False
    )
    body = models.TextField(_("text"), blank=True)
    extracted_text = models.TextField(editable=False, default="")
    change_summary = models.TextField(_("what changed"), blank=True)
    effective_date = models.DateField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("Empty: in force as soon as it is approved."),
    )
    in_force_at = models.DateTimeField(_("came in force"), null=True, editable=False)
    obsolete_at = models.DateTimeField(_("became obsolete"), null=True, editable=False)
    executors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executors"),
        blank=True,
        related_name="orders_to_execute",
        help_text=_("For an order of the director: the people who must carry it out."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: Optimistic lock: a draft saved by someone else meanwhile is not
    #: overwritten (see documents.services.revision_update).
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["extracted_text"])

    transitions = REVISION_TRANSITIONS
    signed_fields = (
        "document",
        "number",
        "file",
        "body",
        "change_summary",
        "effective_date",
    )
    pdf_template = "pdf/documents/approval_sheet.html"

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="revision_number_per_document"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.code} · {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("documents:revision", args=[self.document_id, self.number])

    @property
    def document_code(self) -> str:  # type: ignore[override]
        return self.document.code

    @property
    def is_editable(self) -> bool:
        return self.approval_status == RevisionStatus.DRAFT

    def approval_title(self) -> str:
        return f"{self.document.code} {self.document.title}, {self.number}"

    def viewable_by(self, user) -> bool:
        from documents.services.register import can_view

        return can_view(user, self.document)

    def approval_problems(self) -> list[str]:
        if not self.file and not self.body.strip():
            return [str(_("Attach a file or write the text before sending it."))]
        return []

    def on_approved(self, actor=None) -> None:
        from documents.services.register import on_revision_approved

        on_revision_approved(self, actor=actor)

    def text(self) -> str:
        """The revision's text: its body, else the text taken from its file."""
        return self.body or self.extracted_text

    def clean(self) -> None:
        if not self.file and not self.body.strip() and self.pk:
            raise ValidationError(_("A revision needs a file or a text."))


class PaperCopy(models.Model):
    """A numbered controlled paper copy issued to a holder (§4.2.3)."""

    revision = models.ForeignKey(
        DocumentRevision, on_delete=models.PROTECT, related_name="paper_copies"
    )
    number = models.PositiveSmallIntegerField(_("copy number"))
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="paper_copies",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued"))
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paper copy")
        verbose_name_plural = _("paper copies")
        ordering = ["revision", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "number"], name="paper_copy_number_per_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision} №{self.number}"


class ChangeRequest(models.Model):
    """Anyone proposes a change; the owner accepts (new draft) or rejects."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="change_requests"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("proposed change and why"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.TextField(_("decision"), blank=True)
    revision = models.ForeignKey(
        DocumentRevision,
        verbose_name=_("new revision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document.code}: {self.reason[:60]}"


class DocumentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Document, on_delete=models.CASCADE)


class DocumentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Document, on_delete=models.CASCADE)
