"""Records control (ДЖ-02): the nomenclature of files, records, disposal.

The nomenclature (иштердин номенклатурасы) is the manual's single list of
QMS documents and records (§4.2.1, §4.2.3): each kind of record has an item
with its index, place and retention; every record belongs to an item.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
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

from sapat.signing.models import Approvable


class Nomenclature(Approvable):
    """The nomenclature of files of one year, approved by the director."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    signed_fields = ("year", "notes")
    pdf_template = "pdf/records/nomenclature.html"
    document_code = "ИН"

    class Meta:
        verbose_name = _("nomenclature of files")
        verbose_name_plural = _("nomenclatures of files")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(_("Nomenclature of files for %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("records:nomenclature_detail", args=[self.year])

    def pdf_context(self) -> dict:
        from .pdf_context import nomenclature_pdf_context

        return nomenclature_pdf_context(self)

    def approval_problems(self) -> list[str]:
        if not self.items.exists():
            return [str(_("Add the items before sending the nomenclature."))]
        return []

    def on_approved(self, actor=None) -> None:
        from .services import on_nomenclature_approved

        on_nomenclature_approved(self)

    def signed_content(self) -> dict:
        """The items are what the director approves, so they are signed too."""
        content = super().signed_content()
        content["items"] = [
            [
                item.index,
                item.title,
                item.retention_kind,
                item.retention_years,
                item.storage_place,
                item.medium,
                item.responsible_id,
            ]
            for item in self.items.order_by("section__order", "index")
        ]
        return content


class Section(models.Model):
    """A section of the nomenclature: usually one organisational unit."""

    nomenclature = models.ForeignKey(
        Nomenclature, on_delete=models.CASCADE, related_name="sections"
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["nomenclature", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomenclature", "code"], name="section_code_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Retention(models.TextChoices):
    YEARS = "years", _("a number of years")
    PERMANENT = "permanent", _("permanently")
    UNTIL_REPLACED = "replaced", _("until replaced")


class Medium(models.TextChoices):
    ELECTRONIC = "electronic", _("electronic")
    PAPER = "paper", _("paper")
    BOTH = "both", _("paper and electronic")


class NomenclatureItem(models.Model):
    """One file (дело) of the nomenclature: a kind of record and its rules."""

    nomenclature = models.ForeignKey(
        Nomenclature, on_delete=models.CASCADE, related_name="items"
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("section"),
    )
    index = models.CharField(_("index"), max_length=20, help_text=_("E.g. 02-05."))
    title = models.CharField(_("title"), max_length=300)
    retention_kind = models.CharField(
        _("retention"),
        max_length=10,
        choices=Retention.choices,
        default=Retention.YEARS,
    )
    retention_years = models.PositiveSmallIntegerField(
        _("years kept"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    legal_basis = models.CharField(
        _("basis of the retention"),
        max_length=300,
        blank=True,
        help_text=_("The article of the list of standard records or the law."),
    )
    storage_place = models.CharField(
        _("storage place"),
        max_length=200,
        blank=True,
        help_text=_("Server folder or cabinet."),
    )
    medium = models.CharField(
        _("format"), max_length=10, choices=Medium.choices, default=Medium.BOTH
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    #: The kind of record other apps file here, e.g. "documents.documentrevision"
    #: (approval sheets) or "audits.auditreport"; at most one item a year.
    record_kind = models.CharField(
        _("kind of record"), max_length=100, blank=True, db_index=True
    )
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Its records are readable only by those granted the item."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nomenclature item")
        verbose_name_plural = _("nomenclature items")
        # Granted object by object (guardian) on restricted items: reading
        # the item's description is for all staff, its records are not.
        permissions = [
            (
                "readrecords_nomenclatureitem",
                _("Can read the records of a restricted item"),
            )
        ]
        ordering = ["nomenclature", "section__order", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomenclature", "index"], name="item_index_per_year"
            ),
            models.UniqueConstraint(
                fields=["nomenclature", "record_kind"],
                condition=~models.Q(record_kind=""),
                name="item_record_kind_per_year",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(retention_kind="years", retention_years__gte=1)
                    | (
                        ~models.Q(retention_kind="years")
                        & models.Q(retention_years__isnull=True)
                    )
                ),
                name="item_retention_years_match_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.index} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("records:item_detail", args=[self.pk])

    def clean(self) -> None:
        if self.retention_kind == Retention.YEARS and not self.retention_years:
            raise ValidationError(
                {"retention_years": _("Say for how many years the records are kept.")}
            )
        if self.retention_kind != Retention.YEARS and self.retention_years:
            raise ValidationError(
                {"retention_years": _("Years apply only to a retention in years.")}
            )
        if (
            self.section_id
            and self.nomenclature_id
            and (self.section.nomenclature_id != self.nomenclature_id)
        ):
            raise ValidationError(
                {"section": _("The section belongs to another year.")}
            )

    def keep_until(self, record_date: date) -> date | None:
        """The date a record of this item may be destroyed, if ever.

        Counted, as archives do, from 1 January of the year after the record.
        """
        if self.retention_kind != Retention.YEARS or not self.retention_years:
            return None
        return date(record_date.year + 1, 1, 1) + relativedelta(
            years=self.retention_years
        )


class ItemUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(NomenclatureItem, on_delete=models.CASCADE)


class ItemGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(NomenclatureItem, on_delete=models.CASCADE)


class Record(models.Model):
    """One record: proof that something required was done (§4.2.4)."""

    class Status(models.TextChoices):
        KEPT = "kept", _("kept")
        DESTROYED = "destroyed", _("destroyed")

    item = models.ForeignKey(
        NomenclatureItem,
        verbose_name=_("nomenclature item"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    medium = models.CharField(_("format"), max_length=10, choices=Medium.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    quality_data = models.BooleanField(
        _("quality data"),
        default=False,
        help_text=_("Evidence that is not a record in the strict sense (§2)."),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    content_object = GenericForeignKey("content_type", "object_id")
    keep_until = models.DateField(_("keep until"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.KEPT,
        editable=False,
    )
    destroyed_by = models.ForeignKey(
        "DisposalAct",
        verbose_name=_("destroyed by act"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="destroyed_records",
    )
    destroyed_on = models.DateField(_("destroyed on"), null=True, blank=True)
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

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # The register pages in this order: without it every page sorts
            # all the visible records first (550 ms at 90 000 of them).
            models.Index(fields=["-date", "-id"], name="record_date_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("records:record_detail", args=[self.pk])


class RecordFile(models.Model):
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="records/%Y/", blank=True)
    name = models.CharField(_("name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("record file")
        verbose_name_plural = _("record files")

    def __str__(self) -> str:
        return self.name


class DisposalAct(Approvable):
    """An act destroying records past their retention; commission agrees,
    the director approves, and only then are the files deleted."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    date = models.DateField(_("date"))
    records = models.ManyToManyField(
        Record, verbose_name=_("records"), related_name="disposal_acts"
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn up by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[records])

    signed_fields = ("number", "date", "records", "notes")
    pdf_template = "pdf/records/disposal_act.html"

    class Meta:
        verbose_name = _("disposal act")
        verbose_name_plural = _("disposal acts")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return str(_("Disposal act %(number)s") % {"number": self.number})

    def get_absolute_url(self) -> str:
        return reverse("records:act_detail", args=[self.pk])

    def pdf_context(self) -> dict:
        return {
            "records": list(
                self.records.select_related("item").order_by("item__index", "date")
            )
        }

    def on_approved(self, actor=None) -> None:
        from .services import disposal_execute

        disposal_execute(act=self, actor=actor)
