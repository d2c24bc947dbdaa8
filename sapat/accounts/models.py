"""People and the organisation: users, units, the profile and the calendar."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def _in_current_language(obj, field: str) -> str:
    """``obj.<field>_<lang>`` for the active language, falling back to ky."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_ky")


class OrgUnitQuerySet(models.QuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)


class OrgUnit(models.Model):
    """A unit of the organisation (manual §4.1, §5.5.1): a tree."""

    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_units",
    )
    functions = models.TextField(
        _("functions"),
        blank=True,
        help_text=_("What the unit does, as its regulation states."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["order", "name_ky"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name_ky"], name="orgunit_unique_name_in_parent"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="orgunit_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_current_language(self, "name")

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A unit cannot be placed inside itself.")}
                )
            ancestor = ancestor.parent


class Language(models.TextChoices):
    KYRGYZ = "ky", _("Kyrgyz")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")


class User(AbstractUser):
    """A member of staff. Clients and trainees have no account."""

    full_name = models.CharField(_("full name"), max_length=200)
    post = models.CharField(
        _("post"), max_length=200, blank=True, help_text=_("The position held.")
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=Language.choices,
        default=Language.KYRGYZ,
        help_text=_("E-mails and reminders are written in this language."),
    )
    email_notifications = models.BooleanField(
        _("send notifications by e-mail"), default=True
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        """The given name: Kyrgyz and Russian full names are written
        "Surname Given-name Patronymic", so with three parts it is the second."""
        parts = self.full_name.split()
        if not parts:
            return self.username
        return parts[1] if len(parts) >= 3 else parts[0]

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.pk])


class OrganisationProfile(models.Model):
    """The organisation running the portal: one row.

    Page headers, e-mails and PDFs read it, so nothing agency-specific is
    written in code or templates.
    """

    name_ky = models.CharField(_("full name (Kyrgyz)"), max_length=300)
    name_ru = models.CharField(_("full name (Russian)"), max_length=300, blank=True)
    name_en = models.CharField(_("full name (English)"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=100)
    logo = models.ImageField(
        _("logo"),
        upload_to="organisation/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("director"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    weekend_days = models.CharField(
        _("weekend days"),
        max_length=7,
        default="56",
        help_text=_(
            "Days off every week, as weekday numbers: 0 is Monday, 6 is Sunday."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profile")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1), name="organisation_profile_single_row"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def name(self) -> str:
        return _in_current_language(self, "name")

    @property
    def weekend_weekdays(self) -> frozenset[int]:
        return frozenset(int(ch) for ch in self.weekend_days if ch.isdigit())

    def clean(self) -> None:
        if any(ch not in "0123456" for ch in self.weekend_days):
            raise ValidationError(
                {"weekend_days": _("Use only the digits 0 to 6, e.g. 56.")}
            )
        if len(set(self.weekend_days)) >= 7:
            raise ValidationError(
                {"weekend_days": _("At least one day of the week must be working.")}
            )

    @classmethod
    def load(cls) -> OrganisationProfile:
        """The profile; an unsaved default when none has been set up yet."""
        profile = cls.objects.select_related("director").filter(pk=1).first()
        return profile or cls(pk=1, name_ky="Sapat", short_name="Sapat")


class CalendarDay(models.Model):
    """An exception to the ordinary working week.

    A public holiday on a weekday, or a weekend day declared a working day
    (the Government moves days off around holidays by decree).
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("day off (holiday)")
        WORKING = "working", _("working day (moved)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.HOLIDAY
    )
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
