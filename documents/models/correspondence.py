"""Incoming and outgoing correspondence (РИ-05, document flow)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Letter(models.Model):
    class Direction(models.TextChoices):
        INCOMING = "in", _("incoming")
        OUTGOING = "out", _("outgoing")

    class Status(models.TextChoices):
        OPEN = "open", _("in progress")
        DONE = "done", _("done")

    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices
    )
    reg_number = models.CharField(
        _("registration number"), max_length=30, unique=True, editable=False
    )
    year = models.PositiveSmallIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    date = models.DateField(_("date"))
    counterparty = models.CharField(_("sender or recipient"), max_length=300)
    their_number = models.CharField(_("their number"), max_length=60, blank=True)
    subject = models.CharField(_("subject"), max_length=400)
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=5, choices=Status.choices, default=Status.OPEN
    )
    nomenclature_index = models.CharField(
        _("file of the nomenclature"),
        max_length=30,
        blank=True,
        help_text=_("The index of the file it is kept in."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("correspondence")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "year", "sequence"], name="letter_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reg_number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("documents:letter_detail", args=[self.pk])


class LetterFile(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="letters/%Y/")
    file_type = models.CharField(_("file type"), max_length=10, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("letter file")
        verbose_name_plural = _("letter files")

    def __str__(self) -> str:
        return self.file.name
