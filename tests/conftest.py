"""Fixtures shared by the whole suite."""

import io

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _isolate(settings, tmp_path):
    """Each test: its own media folder, an empty cache, the default language."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _still_ratelimit_clock(monkeypatch):
    """Rate limits count in fixed windows of the clock: a test's requests
    must not straddle a window's end, or the count starts again."""
    import time as real_time

    import django_ratelimit.core

    now = real_time.time()
    clock = type("Clock", (), {"time": staticmethod(lambda: now)})
    monkeypatch.setattr(django_ratelimit.core, "time", clock)


@pytest.fixture
def make_user(db):
    """``make_user("director", ...)``: a user holding the given roles."""

    def make(*roles, **fields):
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture
def director(make_user):
    return make_user("director", language="ky")


@pytest.fixture
def staff(make_user):
    return make_user("staff")


@pytest.fixture
def sysadmin(make_user):
    return make_user("system_administrator")


@pytest.fixture(scope="session")
def _session_keys(tmp_path_factory, django_db_setup, django_db_blocker):
    """One signing key and certificate for the whole run (RSA is slow)."""
    from django.conf import settings as django_settings
    from django.core.management import call_command

    folder = tmp_path_factory.mktemp("keys")
    key, cert = folder / "key.pem", folder / "cert.pem"
    old = (
        getattr(django_settings, "SIGNING_KEY_PATH", None),
        getattr(django_settings, "SIGNING_CERT_PATH", None),
    )
    django_settings.SIGNING_KEY_PATH, django_settings.SIGNING_CERT_PATH = key, cert
    with django_db_blocker.unblock():
        call_command("signing_init", stdout=io.StringIO())
    django_settings.SIGNING_KEY_PATH, django_settings.SIGNING_CERT_PATH = old
    return key, cert


@pytest.fixture
def pdf_keys(settings, _session_keys):
    """Signed PDFs can be made: the session's key and certificate are in use."""
    settings.SIGNING_KEY_PATH, settings.SIGNING_CERT_PATH = _session_keys
    return _session_keys


@pytest.fixture
def organisation(director):
    """The organisation profile with the director who approves by default."""
    from sapat.accounts.models import OrganisationProfile

    profile, _created = OrganisationProfile.objects.update_or_create(
        pk=1,
        defaults={
            "name_ky": "«Сапаттуу билим» агенттиги",
            "short_name": "Сапаттуу билим",
            "director": director,
        },
    )
    return profile
