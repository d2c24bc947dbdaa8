"""Approval routes, electronic signatures, delegations and signed PDFs.

A model becomes approvable by inheriting :class:`Approvable`: it gets an
``approval_status`` that only :mod:`sapat.signing.services` moves, following
:data:`APPROVAL_TRANSITIONS`. A :class:`Signature` is immutable: no code path
updates or deletes one, and on PostgreSQL a trigger refuses it too.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Meaning(models.TextChoices):
    """What a signature means (the manual's "agreed", "approved", …)."""

    AGREED = "agreed", _("agreed")
    APPROVED = "approved", _("approved")
    REVIEWED = "reviewed", _("reviewed")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    PERFORMED = "performed", _("performed")
    VERIFIED = "verified", _("verified")


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    AGREEMENT = "agreement", _("in agreement")
    APPROVAL = "approval", _("awaiting approval")
    APPROVED = "approved", _("approved")
    SUPERSEDED = "superseded", _("superseded")


#: The lifecycle of anything agreed and approved. Returning a route sends the
#: object back to draft; approving a newer version supersedes the older one.
APPROVAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ApprovalStatus.DRAFT: frozenset(
        {ApprovalStatus.AGREEMENT, ApprovalStatus.APPROVAL}
    ),
    ApprovalStatus.AGREEMENT: frozenset(
        {ApprovalStatus.APPROVAL, ApprovalStatus.DRAFT}
    ),
    ApprovalStatus.APPROVAL: frozenset({ApprovalStatus.APPROVED, ApprovalStatus.DRAFT}),
    ApprovalStatus.APPROVED: frozenset({ApprovalStatus.SUPERSEDED}),
    ApprovalStatus.SUPERSEDED: frozenset(),
}


def _file_digest(value: FieldFile) -> str:
    digest = hashlib.sha256()
    with value.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _canonical(value):
    if isinstance(value, FieldFile):
        # A file is signed by its content, not its name.
        return _file_digest(value) if value else ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_canonical(v) for v in value]
    return value


class Signable(models.Model):
    """Abstract base of everything that carries electronic signatures.

    Subclasses list the fields whose content is signed in ``signed_fields``
    and name the PDF template in ``pdf_template``. A signable object is
    signed outside approval routes ("performed", "verified", …) through
    :func:`sapat.signing.services.sign_object`, and can have signed PDFs.
    Objects the director approves inherit :class:`Approvable` instead.
    """

    #: Field names whose values are signed; a change after signing is visible.
    signed_fields: tuple[str, ...] = ()
    #: Template of the signed PDF, rendered by ``sapat.signing.pdf``.
    pdf_template: str = "pdf/approvable.html"
    #: Document code and revision printed in the PDF header, if any.
    document_code: str = ""

    class Meta:
        abstract = True

    def signed_content(self) -> dict:
        """The canonical content signatures are computed over."""
        fields = {}
        for name in self.signed_fields:
            field = self._meta.get_field(name)
            if field.many_to_many:
                value = sorted(getattr(self, name).values_list("pk", flat=True))
            else:
                value = getattr(self, field.attname)
            fields[name] = _canonical(value)
        return {"model": self._meta.label_lower, "pk": self.pk, "fields": fields}

    def content_hash(self) -> str:
        data = json.dumps(
            self.signed_content(),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def current_version(self) -> int:
        """The id of the newest history row: the version being signed."""
        latest = self.history.order_by("-history_id").values_list(
            "history_id", flat=True
        )
        return latest.first() or 0

    def approval_title(self) -> str:
        return str(self)

    def viewable_by(self, user) -> bool:
        """Whether ``user`` may read this object (and so sign or verify it).

        The view permission on the model or the object by default; a model
        whose visibility follows another rule (a revision follows its
        document) overrides this.
        """
        from sapat.access import can

        return can(user, "view", self)

    def pdf_context(self) -> dict:
        """Extra context for ``pdf_template`` (e.g. rows fetched in bulk)."""
        return {}

    def pdf_reason(self, title: str) -> str:
        """The reason written into the PDF's digital signature."""
        return str(_("Signed: %(title)s") % {"title": title})


class Approvable(Signable):
    """Abstract base of everything agreed by some and approved by the director.

    Adds the approval status that only :mod:`sapat.signing.services` moves;
    subclasses may override :meth:`on_approved` (e.g. to supersede an older
    version) and :meth:`approval_problems`.
    """

    approval_status = models.CharField(
        _("approval status"),
        max_length=12,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    approved_at = models.DateTimeField(_("approved"), null=True, editable=False)

    #: The allowed moves of ``approval_status``. A subclass with a longer
    #: lifecycle (a document revision comes in force, then goes obsolete)
    #: extends the statuses and this table; the services refuse any other move.
    transitions: dict[str, frozenset[str]] = APPROVAL_TRANSITIONS

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.approval_status == ApprovalStatus.DRAFT

    def approval_problems(self) -> list[str]:
        """Why this cannot be sent for approval yet (empty: it can)."""
        return []

    def may_send(self, user) -> bool:
        """Whether ``user`` may send this for approval (or withdraw it).

        The change permission on the model or the object by default; a
        model scoped by something else (a project's report: its team)
        overrides this, so the generic approval views cannot bypass it.
        """
        from sapat.access import perm_name

        perm = perm_name(type(self), "change")
        return user.has_perm(perm) or user.has_perm(perm, self)

    def on_approved(self, actor=None) -> None:
        """Called by the approval service inside its transaction."""

    def pdf_reason(self, title: str) -> str:
        return str(_("Approved: %(title)s") % {"title": title})


class ImmutableError(Exception):
    """A signature, once written, is never changed or deleted."""


class SignatureQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("signatures cannot be changed")

    def delete(self):
        raise ImmutableError("signatures cannot be deleted")

    def for_object(self, obj: models.Model):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )


class Signature(models.Model):
    """One electronic signature with its meaning; never edited or deleted.

    Immutable rows need no history: the row itself is the record.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    object_version = models.PositiveBigIntegerField(
        _("version"), help_text=_("The history row of the object that was signed.")
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    signer_name = models.CharField(_("name"), max_length=200)
    signer_post = models.CharField(_("post"), max_length=200, blank=True)
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acting for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    meaning = models.CharField(_("meaning"), max_length=12, choices=Meaning.choices)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64)
    comment = models.TextField(_("comment"), blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.signer_name}: {self.get_meaning_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("signatures cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("signatures cannot be deleted")


class Delegation(models.Model):
    """The director lets a deputy approve in their stead for a period."""

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegated by"),
        on_delete=models.PROTECT,
        related_name="delegations_given",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acting"),
        on_delete=models.PROTECT,
        related_name="delegations_received",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="delegation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(deputy=models.F("principal")),
                name="delegation_not_to_oneself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.principal} → {self.deputy} ({self.starts_on}–{self.ends_on})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end is before the start.")})
        if self.principal_id and self.principal_id == self.deputy_id:
            raise ValidationError({"deputy": _("Nobody delegates to themselves.")})

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.revoked_at is None and self.starts_on <= on <= self.ends_on


class RouteStatus(models.TextChoices):
    AGREEMENT = "agreement", _("in agreement")
    APPROVAL = "approval", _("awaiting approval")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    CANCELLED = "cancelled", _("cancelled")


ROUTE_TRANSITIONS: dict[str, frozenset[str]] = {
    RouteStatus.AGREEMENT: frozenset(
        {RouteStatus.APPROVAL, RouteStatus.RETURNED, RouteStatus.CANCELLED}
    ),
    RouteStatus.APPROVAL: frozenset(
        {RouteStatus.APPROVED, RouteStatus.RETURNED, RouteStatus.CANCELLED}
    ),
    RouteStatus.APPROVED: frozenset(),
    RouteStatus.RETURNED: frozenset(),
    RouteStatus.CANCELLED: frozenset(),
}


class ApprovalRoute(models.Model):
    """The agreement sheet (макулдашуу баракчасы) of one version of an object."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    object_version = models.PositiveBigIntegerField(_("version"))
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RouteStatus.choices,
        default=RouteStatus.AGREEMENT,
        editable=False,
    )
    parallel = models.BooleanField(
        _("agree in parallel"),
        default=False,
        help_text=_("Otherwise each agreer signs after the previous one."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval route")
        verbose_name_plural = _("approval routes")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.content_type.name} #{self.object_id} ({self.get_status_display()})"
        )

    @property
    def is_open(self) -> bool:
        return self.status in {RouteStatus.AGREEMENT, RouteStatus.APPROVAL}


class StepStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SIGNED = "signed", _("signed")
    RETURNED = "returned", _("returned")


class RouteStep(models.Model):
    route = models.ForeignKey(
        ApprovalRoute, on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        on_delete=models.PROTECT,
        related_name="route_steps",
    )
    meaning = models.CharField(
        _("meaning"),
        max_length=12,
        choices=[
            (Meaning.AGREED, Meaning.AGREED.label),
            (Meaning.APPROVED, Meaning.APPROVED.label),
        ],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=StepStatus.choices,
        default=StepStatus.PENDING,
        editable=False,
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    signature = models.OneToOneField(
        Signature,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="route_step",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("route step")
        verbose_name_plural = _("route steps")
        ordering = ["route", "order"]
        constraints = [
            models.UniqueConstraint(fields=["route", "order"], name="route_step_order"),
        ]

    def __str__(self) -> str:
        return f"{self.signer}: {self.get_meaning_display()}"


def _new_code() -> str:
    return secrets.token_urlsafe(12)


class SignedPDF(models.Model):
    """A frozen, signed PDF of one version of an object. Never rebuilt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", pgettext_lazy("signed PDF status", "failed")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    object_version = models.PositiveBigIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=_new_code
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("file"), upload_to="signed/%Y/", blank=True)
    sha256 = models.CharField(
        _("SHA-256 of the file"), max_length=64, blank=True, db_index=True
    )
    size = models.PositiveIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("signed PDF")
        verbose_name_plural = _("signed PDFs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("verify_code", args=[self.code])
