"""Fixtures of the signing tests: keys in the test's own folder, never var/keys."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def key_paths(settings, tmp_path, monkeypatch):
    """Point SIGNING_KEY_PATH and SIGNING_CERT_PATH into ``tmp_path``."""
    for name in ("SIGNING_KEY_PATH", "SIGNING_CERT_PATH", "SIGNING_KEY_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    settings.SIGNING_KEY_PASSWORD = ""
    settings.SIGNING_KEY_PATH = tmp_path / "keys" / "signing-key.pem"
    settings.SIGNING_CERT_PATH = tmp_path / "keys" / "signing-cert.pem"
    return settings.SIGNING_KEY_PATH, settings.SIGNING_CERT_PATH


@pytest.fixture
def signing_keys(key_paths, db):
    """A key and certificate made by ``manage.py signing_init``."""
    call_command("signing_init", stdout=StringIO())
    return key_paths
