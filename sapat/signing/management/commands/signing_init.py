"""``manage.py signing_init``: the key and certificate PDFs are signed with."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.management.base import BaseCommand, CommandError

from sapat.accounts.models import OrganisationProfile
from sapat.signing import conf

# Microsoft's "document signing" purpose, which PDF readers accept.
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")
VALIDITY = dt.timedelta(days=3653)  # ten years
# RFC 5280 upper bounds of commonName and organizationName.
NAME_LIMIT = 64


def _make_dir(path: Path) -> None:
    # Only a folder made here is tightened to 0700: a folder that already
    # exists (/etc/sapat, a shared volume) keeps the mode its owner chose.
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
        path.chmod(0o700)


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to ``path`` with ``mode``, replacing it in one step."""
    _make_dir(path.parent)
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), mode)  # whatever the umask or an old file
        handle.write(data)
    temporary.replace(path)


def _bounded(text: str) -> str:
    """``text`` cut at a word to the RFC 5280 length of a name attribute."""
    text = " ".join(text.split())
    if len(text) <= NAME_LIMIT:
        return text
    cut = text[: NAME_LIMIT + 1].rsplit(" ", 1)[0]
    return cut if cut and len(cut) <= NAME_LIMIT else text[:NAME_LIMIT]


def _fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


class Command(BaseCommand):
    help = (
        "Create the RSA key and self-signed certificate that signed PDFs carry "
        "(at SIGNING_KEY_PATH and SIGNING_CERT_PATH). Keeps existing files "
        "unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace an existing key and certificate. PDFs signed with the "
            "old key then no longer show as signed by this portal.",
        )

    def handle(self, *args, force: bool = False, **options):
        key_path, cert_path = conf.key_path(), conf.cert_path()
        existing = [path for path in (key_path, cert_path) if path.exists()]
        if existing and not force:
            if len(existing) == 1:
                raise CommandError(
                    f"Only {existing[0]} exists; the key and the certificate go "
                    "together. Run with --force to create both again."
                )
            certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
            self.stdout.write("Signing key and certificate exist; kept them.")
            self._report(key_path, cert_path, certificate)
            return

        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        certificate = self._certificate(key)
        passphrase = conf.key_passphrase()
        encryption = (
            serialization.BestAvailableEncryption(passphrase)
            if passphrase
            else serialization.NoEncryption()
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        _write(key_path, key_pem, 0o600)
        _write(cert_path, certificate.public_bytes(serialization.Encoding.PEM), 0o644)
        self.stdout.write(
            self.style.SUCCESS("Created the signing key and certificate.")
        )
        if not passphrase:
            self.stdout.write(
                "The key is not encrypted (SIGNING_KEY_PASSWORD is not set); "
                "its file mode 0600 protects it."
            )
        self._report(key_path, cert_path, certificate)

    def _certificate(self, key: rsa.RSAPrivateKey) -> x509.Certificate:
        profile = OrganisationProfile.load()
        attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "KG")]
        if organisation := _bounded(profile.name_ky):
            attributes.append(
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)
            )
        attributes.append(
            x509.NameAttribute(
                NameOID.COMMON_NAME, _bounded(profile.short_name) or "Sapat"
            )
        )
        name = x509.Name(attributes)
        now = dt.datetime.now(tz=dt.UTC)
        public_key = key.public_key()
        return (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,  # nonRepudiation
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING]), critical=False)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
            )
            .sign(key, hashes.SHA256())
        )

    def _report(
        self, key_path: Path, cert_path: Path, certificate: x509.Certificate
    ) -> None:
        self.stdout.write(f"key:         {key_path}")
        self.stdout.write(f"certificate: {cert_path}")
        self.stdout.write(f"subject:     {certificate.subject.rfc4514_string()}")
        self.stdout.write(
            f"valid until: {certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC"
        )
        self.stdout.write(f"SHA-256:     {_fingerprint(certificate)}")
