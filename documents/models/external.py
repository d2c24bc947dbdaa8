"""External normative documents (§4.2.3): laws, resolutions, local acts."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ExternalDocument(models.Model):
    class Kind(models.TextChoices):
        LAW = "law", _("law of the Kyrgyz Republic")
        GOVERNMENT = "government", _("resolution of the Government")
        MINISTRY = "ministry", _("act of the Ministry")
        LOCAL = "local", _("act of a local authority")
        STANDARD = "standard", _("standard")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("in force")
        REPEALED = "repealed", _("repealed")
        REPLACED = "replaced", _("replaced")

    title = models.CharField(_("title"), max_length=400)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    issuer = models.CharField(_("issued by"), max_length=200)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    source_url = models.URLField(_("source"), blank=True, max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="external_documents",
    )
    registered_on = models.DateField(_("registered"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("external document")
        verbose_name_plural = _("external documents")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:external_detail", args=[self.pk])
