from pathlib import Path

import pytest

from sapat.signing import conf

NAMES = ("SIGNING_KEY_PATH", "SIGNING_CERT_PATH", "SIGNING_KEY_PASSWORD")


@pytest.fixture
def unset(settings, monkeypatch):
    """Neither the settings nor the environment name the signing files."""
    for name in NAMES:
        setattr(settings, name, "")
        monkeypatch.delenv(name, raising=False)
    return settings


def test_the_key_and_certificate_default_to_var_keys(unset):
    keys = Path(unset.BASE_DIR) / "var" / "keys"
    assert conf.key_path() == keys / "signing-key.pem"
    assert conf.cert_path() == keys / "signing-cert.pem"
    assert conf.key_passphrase() is None


def test_the_environment_names_the_files_when_settings_do_not(unset, monkeypatch):
    monkeypatch.setenv("SIGNING_KEY_PATH", "/etc/sapat/key.pem")
    monkeypatch.setenv("SIGNING_CERT_PATH", "/etc/sapat/cert.pem")
    monkeypatch.setenv("SIGNING_KEY_PASSWORD", "пароль ң")
    assert conf.key_path() == Path("/etc/sapat/key.pem")
    assert conf.cert_path() == Path("/etc/sapat/cert.pem")
    assert conf.key_passphrase() == "пароль ң".encode()


def test_settings_win_over_the_environment(unset, monkeypatch, tmp_path):
    monkeypatch.setenv("SIGNING_KEY_PATH", "/etc/sapat/key.pem")
    unset.SIGNING_KEY_PATH = tmp_path / "key.pem"
    assert conf.key_path() == tmp_path / "key.pem"
