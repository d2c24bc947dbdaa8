"""The optional TOTP second factor (django-otp), switched by ``SAPAT_ADMIN_2FA``.

When the setting is on:

* the Django admin is refused to anybody whose session is not verified with a
  confirmed TOTP device (one without a device is sent to enrol one);
* the director, system administrators and staff/superusers (who reach the
  admin) enrol a device on their profile page (QR code, then a code);
* whoever has a confirmed device gives a code after the password before any
  page opens.

When it is off, none of this runs: no enrolment, no code, the admin as before.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import DIRECTOR, SYSTEM_ADMINISTRATOR

ENROLLING_ROLES = (DIRECTOR, SYSTEM_ADMINISTRATOR)
DEVICE_NAME = "Sapat"


def enabled() -> bool:
    return bool(getattr(settings, "SAPAT_ADMIN_2FA", False))


def may_enrol(user) -> bool:
    """The director, system administrators and admin users, when 2FA is on."""
    if not enabled() or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=ENROLLING_ROLES).exists()


def has_confirmed_device(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG ``data:`` URI for an ``<img src>``.

    An image, not inline markup: no script, no style, nothing marked safe.
    """
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


@transaction.atomic
def totp_enrol_start(*, user) -> TOTPDevice:
    """A fresh unconfirmed TOTP device for ``user`` (replacing any pending one)."""
    if not may_enrol(user):
        raise PermissionDenied
    if has_confirmed_device(user):
        raise ValidationError(_("You already have a confirmed authenticator."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
    device.full_clean()
    device.save()
    return device


@transaction.atomic
def totp_enrol_confirm(*, user, token: str, request=None) -> TOTPDevice:
    """Confirm the pending device with a code from the app; verifies the session."""
    if not may_enrol(user):
        raise PermissionDenied
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .first()
    )
    if device is None:
        raise ValidationError(_("Start the enrolment first."))
    if not device.verify_token(token.strip()):
        raise ValidationError(_("The code is wrong or has expired."))
    device.confirmed = True
    device.full_clean()
    device.save()
    if request is not None:
        otp_login(request, device)
    return device


def totp_verify(*, request, token: str) -> TOTPDevice:
    """Verify the logged-in user's session with a code of a confirmed device."""
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_token(token.strip()):
            otp_login(request, device)
            return device
    raise ValidationError(_("The code is wrong or has expired."))


# --- Enforcement ---------------------------------------------------------------

_OPEN_NAMES = ("accounts:otp_verify", "accounts:logout", "set_language", "healthz")


class SecondFactorMiddleware:
    """When 2FA is on: a code after the password, and a verified admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if enabled():
            refused = self._refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refuse(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or any(
            path == reverse(name) for name in _OPEN_NAMES
        ):
            return None
        verify = reverse("accounts:otp_verify")
        if has_confirmed_device(user):
            return redirect(
                f"{verify}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
            )
        admin_prefix = reverse("admin:index")
        if path.startswith(admin_prefix) and path != reverse("admin:login"):
            return HttpResponseForbidden(
                _(
                    "The admin requires a second factor: enrol an authenticator "
                    "on your profile page first."
                )
            )
        return None
