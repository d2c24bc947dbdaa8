import stat
from io import StringIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command
from django.core.management.base import CommandError

from sapat.accounts.models import OrganisationProfile

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("signing_init", *args, stdout=out)
    return out.getvalue()


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _certificate(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_signing_init_creates_a_private_key_and_a_certificate(key_paths):
    key_path, cert_path = key_paths
    output = _run()

    assert _mode(key_path) == 0o600
    assert _mode(key_path.parent) == 0o700
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert key.key_size == 3072

    certificate = _certificate(cert_path)
    assert certificate.public_key() == key.public_key()
    assert certificate.issuer == certificate.subject  # self-signed
    validity = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert validity.days >= 3650
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign

    fingerprint = certificate.fingerprint(hashes.SHA256()).hex(":").upper()
    assert str(key_path) in output
    assert str(cert_path) in output
    assert fingerprint in output


def test_signing_init_names_the_organisation_in_the_certificate(key_paths):
    OrganisationProfile.objects.update_or_create(
        pk=1,
        defaults={
            "name_ky": "«Сапаттуу билим» билим берүү уюмдарын жана программаларын "
            "аккредитациялоо агенттиги",
            "name_ru": "Агентство «Сапаттуу билим»",
            "short_name": "Сапаттуу билим",
        },
    )
    _run()
    subject = _certificate(key_paths[1]).subject
    common_name = subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    organisation = subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    country = subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value
    assert common_name == "Сапаттуу билим"
    # The Kyrgyz name, cut at a word to the 64 characters X.509 allows.
    assert organisation.startswith("«Сапаттуу билим» билим берүү")
    assert len(organisation) <= 64
    assert not organisation.endswith(" ")
    assert country == "KG"


def test_signing_init_marks_the_certificate_for_document_signing(key_paths):
    _run()
    extension = _certificate(key_paths[1]).extensions.get_extension_for_class(
        x509.ExtendedKeyUsage
    )
    assert x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12") in extension.value
    assert ExtendedKeyUsageOID.SERVER_AUTH not in extension.value


def test_signing_init_twice_keeps_the_existing_files(key_paths):
    key_path, cert_path = key_paths
    _run()
    key, cert = key_path.read_bytes(), cert_path.read_bytes()

    output = _run()

    assert "kept" in output
    assert key_path.read_bytes() == key
    assert cert_path.read_bytes() == cert
    fingerprint = _certificate(cert_path).fingerprint(hashes.SHA256()).hex(":")
    assert fingerprint.upper() in output


def test_signing_init_force_replaces_both_files(key_paths):
    key_path, cert_path = key_paths
    _run()
    key, cert = key_path.read_bytes(), cert_path.read_bytes()

    _run("--force")

    assert key_path.read_bytes() != key
    assert cert_path.read_bytes() != cert
    assert _mode(key_path) == 0o600
    assert not list(key_path.parent.glob(".*.tmp"))


def test_signing_init_with_only_one_of_the_files_refuses(key_paths):
    key_path, cert_path = key_paths
    _run()
    cert_path.unlink()
    key = key_path.read_bytes()

    with pytest.raises(CommandError, match="--force"):
        _run()

    assert key_path.read_bytes() == key
    assert not cert_path.exists()


def test_signing_init_encrypts_the_key_with_signing_key_password(
    key_paths, monkeypatch
):
    monkeypatch.setenv("SIGNING_KEY_PASSWORD", "correct horse battery")
    output = _run()
    pem = key_paths[0].read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    serialization.load_pem_private_key(pem, password=b"correct horse battery")
    assert "not encrypted" not in output


def test_signing_init_leaves_an_existing_folder_mode_alone(key_paths):
    folder = key_paths[0].parent
    folder.mkdir(mode=0o750)
    folder.chmod(0o750)
    _run()
    assert _mode(folder) == 0o750
    assert _mode(key_paths[0]) == 0o600
