"""Fixtures shared by the whole suite."""

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
