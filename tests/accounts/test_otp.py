"""The optional TOTP second factor (SAPAT_ADMIN_2FA)."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import TEST_PASSWORD

LOGIN = reverse("accounts:login")
PROFILE = reverse("accounts:profile")
ENROL = reverse("accounts:otp_enrol")
VERIFY = reverse("accounts:otp_verify")
ADMIN = reverse("admin:index")


def code(device: TOTPDevice, *, offset: int = 0) -> str:
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits)
    generator.time = time.time() + offset
    return f"{generator.token():06d}"


def wrong(device: TOTPDevice) -> str:
    right = {code(device, offset=o) for o in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def log_in(client, user):
    return client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Sapat", confirmed=True)


@pytest.fixture
def on(settings):
    settings.SAPAT_ADMIN_2FA = True


@pytest.fixture
def admin_user(make_user):
    return make_user("system_administrator", is_staff=True, is_superuser=True)


# --- Enrolment ---------------------------------------------------------------


def test_the_director_enrols_with_a_qr_code_and_a_code(on, client, director):
    client.force_login(director)
    response = client.post(ENROL)
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=director)
    assert not device.confirmed

    page = client.get(PROFILE).content.decode()
    assert 'src="data:image/svg+xml' in page
    assert "<script" not in page.split("<main", 1)[-1].split("</main>")[0]
    assert 'style="' not in page

    response = client.post(ENROL, {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_code_does_not_confirm_the_enrolment(on, client, director):
    client.force_login(director)
    client.post(ENROL)
    device = TOTPDevice.objects.get(user=director)
    with translation.override("en"):
        response = client.post(
            ENROL, {"token": wrong(device)}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed


def test_a_member_of_staff_may_not_enrol(on, client, staff):
    client.force_login(staff)
    assert client.post(ENROL).status_code == 403
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert "data:image/svg+xml" not in client.get(PROFILE).content.decode()


# --- Login ---------------------------------------------------------------------


def test_login_asks_for_the_code_after_the_password(on, client, director):
    device = confirmed_device(director)
    log_in(client, director)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)

    response = client.post(VERIFY, {"token": code(device), "next": "/"})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_wrong_code_at_login_is_refused(on, client, director):
    device = confirmed_device(director)
    log_in(client, director)
    with translation.override("en"):
        response = client.post(VERIFY, {"token": wrong(device)})
    assert response.status_code == 400
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_verify_step_refuses_an_outside_next(on, client, director):
    device = confirmed_device(director)
    log_in(client, director)
    response = client.post(
        VERIFY, {"token": code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


# --- The admin -----------------------------------------------------------------


def test_the_admin_is_refused_without_a_verified_device(on, client, admin_user):
    client.force_login(admin_user)
    assert client.get(ADMIN).status_code == 403


def test_the_admin_asks_for_the_code_then_opens(on, client, admin_user):
    device = confirmed_device(admin_user)
    log_in(client, admin_user)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    client.post(VERIFY, {"token": code(device)})
    assert client.get(ADMIN).status_code == 200


# --- Off -----------------------------------------------------------------------


def test_when_off_nothing_changes(settings, client, admin_user, director):
    settings.SAPAT_ADMIN_2FA = False
    confirmed_device(director)
    response = log_in(client, director)
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    profile = client.get(PROFILE).content.decode()
    assert ENROL not in profile
    assert client.post(ENROL).status_code == 403

    client.force_login(admin_user)
    assert client.get(ADMIN).status_code == 200
