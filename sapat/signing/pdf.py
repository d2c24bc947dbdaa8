"""PDFs of the portal: rendering, PAdES signing and verification.

Templates under ``templates/pdf/`` are rendered with Django, laid out by
WeasyPrint (A4, Noto Sans, running header and footer from ``pdf/base.html``
and ``static/css/pdf.css``), signed by pyHanko with the key that
``manage.py signing_init`` creates, and checked again by :func:`verify_pdf`
for the public /verify/ page.

WeasyPrint fetches nothing on its own: :class:`SafeURLFetcher` serves only
``data:`` URIs and files of the static and media folders, so a template or a
user's text can neither reach the network nor read other files of the server.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from urllib import request
from urllib.parse import unquote, urlsplit

import segno
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from sapat.accounts.models import OrganisationProfile
from sapat.signing import conf

logger = logging.getLogger(__name__)

# Relative URLs of the HTML ("/static/css/pdf.css", "/media/logo.png") are
# joined to this base. Its scheme is unknown to urllib, so urljoin leaves them
# as bare paths and they reach the fetcher exactly as the template wrote them.
PDF_BASE_URL = "sapat-pdf:/"


# Room for the CMS signature in /Contents. Ours takes about 2 KB (RSA-3072,
# one certificate, no timestamp); a fixed size spares pyHanko a dry-run
# signature to measure it, which would double the signing time.
SIGNATURE_BYTES = 8192


class SigningNotConfigured(RuntimeError):
    """The signing key or certificate is missing or cannot be read."""


# --- Fetching resources --------------------------------------------------------


def _url_path(url: str) -> str:
    """The path part of a setting such as STATIC_URL ("/static/")."""
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path + "/"


def _static_roots() -> list[Path]:
    roots = [
        Path(storage.location)
        for finder in finders.get_finders()
        for storage in getattr(finder, "storages", {}).values()
        if getattr(storage, "location", None)
    ]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return roots


def _inside(path: Path, roots: list[Path], url: str) -> Path:
    """``path`` resolved, if it is a file inside one of ``roots``."""
    resolved = path.resolve()
    for root in roots:
        if resolved.is_relative_to(root.resolve()) and resolved.is_file():
            return resolved
    raise ValueError(f"PDF resource not found or outside the allowed folders: {url}")


def _local_file(url: str) -> Path:
    """The file of the static or media folders that ``url`` names."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"PDF resource on another host refused: {url}")
        path = request.url2pathname(parts.path)
        if ".." in Path(path).parts:
            raise ValueError(f"PDF resource path leaves its folder: {url}")
        media_root = Path(settings.MEDIA_ROOT)
        return _inside(Path(path), [*_static_roots(), media_root], url)
    if parts.scheme or parts.netloc:
        raise ValueError(f"PDF resource refused (only static and media files): {url}")

    path = unquote(parts.path)
    if ".." in path.split("/") or "\\" in path or "\x00" in path:
        raise ValueError(f"PDF resource path leaves its folder: {url}")
    static_url, media_url = (
        _url_path(settings.STATIC_URL),
        _url_path(settings.MEDIA_URL),
    )
    if path.startswith(static_url):
        relative = path.removeprefix(static_url)
        # finders.find serves the source folders (development and tests);
        # STATIC_ROOT holds what collectstatic wrote, with the hashed names
        # that {% static %} gives in production.
        found = finders.find(relative)
        if found:
            return _inside(Path(found), _static_roots(), url)
        if settings.STATIC_ROOT:
            return _inside(Path(settings.STATIC_ROOT) / relative, _static_roots(), url)
        raise ValueError(f"PDF resource not found: {url}")
    if path.startswith(media_url):
        media_root = Path(settings.MEDIA_ROOT)
        return _inside(media_root / path.removeprefix(media_url), [media_root], url)
    raise ValueError(f"PDF resource refused (only static and media files): {url}")


def safe_url_fetcher(
    url: str, timeout: int = 10, ssl_context=None
) -> URLFetcherResponse:
    """Fetch a resource of a PDF from the static or media folders, never the network.

    Serves ``data:`` URIs, paths under STATIC_URL (found by the staticfiles
    finders, else in STATIC_ROOT), paths under MEDIA_URL (inside MEDIA_ROOT),
    and ``file://`` URLs of files inside those folders. Anything else (http,
    https, other files, paths leaving a folder with ``..`` or a symlink, missing
    files) raises ``ValueError``, which WeasyPrint logs and skips.
    ``timeout`` and ``ssl_context`` keep WeasyPrint's fetcher signature; they
    are unused as nothing goes to the network.
    """
    if url.startswith("data:"):
        # Only DataHandler runs, on a data: URI: no opener, no other scheme.
        try:
            response = request.DataHandler().data_open(request.Request(url))  # noqa: S310
        except (OSError, ValueError) as exc:
            raise ValueError(f"Malformed data: URI in a PDF ({exc})") from exc
        return URLFetcherResponse(url, response.read(), response.headers)
    path = _local_file(url)
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


class SafeURLFetcher(URLFetcher):
    """WeasyPrint 70's fetcher class, reduced to :func:`safe_url_fetcher`.

    WeasyPrint 70 expects a :class:`~weasyprint.urls.URLFetcher` (it reads its
    attributes when a fetch fails), so a plain function is not enough.
    """

    def __init__(self, **kwargs):
        super().__init__(allow_redirects=False, **kwargs)

    def fetch(self, url, headers=None):
        return safe_url_fetcher(url, timeout=self._timeout)


# --- Rendering -----------------------------------------------------------------


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG ``data:`` URI for an ``<img src>``."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=1)


def render_pdf(
    template_name: str, context: dict, *, base_url: str | None = None
) -> bytes:
    """Render a ``templates/pdf/`` template to the bytes of an A4 PDF.

    Adds to a copy of ``context`` the ``organisation`` profile (unless given)
    and ``verify_qr``, the QR code of ``verify_url`` (when that is given).
    Renders in the active language and time zone. Resources are fetched by
    :class:`SafeURLFetcher` only; one it refuses is logged by WeasyPrint and
    left out. ``base_url`` is where relative URLs resolve; the default keeps
    "/static/..." and "/media/..." as paths for the fetcher. Changes nothing.
    """
    context = dict(context)
    if "organisation" not in context:
        context["organisation"] = OrganisationProfile.load()
    if context.get("verify_url") and "verify_qr" not in context:
        context["verify_qr"] = qr_data_uri(context["verify_url"])
    html = render_to_string(template_name, context)
    document = HTML(
        string=html, base_url=base_url or PDF_BASE_URL, url_fetcher=SafeURLFetcher()
    )
    return document.write_pdf()


# --- Signing -------------------------------------------------------------------


def _not_configured(detail: str) -> SigningNotConfigured:
    return SigningNotConfigured(
        f"{detail} Run `python manage.py signing_init` to create the signing key "
        "and certificate (SIGNING_KEY_PATH, SIGNING_CERT_PATH, SIGNING_KEY_PASSWORD)."
    )


class _ParsedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, parsing its RSA key once instead of per signature.

    pyHanko 0.38 parses the private key again for every signature, and
    cryptography checks an RSA key's consistency on each parse: about 0.1 s for
    RSA-3072, a hundred times the signature itself. Here the key is parsed (and
    checked) once per signer; other mechanisms keep pyHanko's own code.
    """

    @functools.cached_property
    def _private_key(self):
        return serialization.load_der_private_key(
            self.signing_key.dump(), password=None
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        return self._private_key.sign(
            data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
        )


@functools.lru_cache(maxsize=4)
def _load_signer(
    key: Path, cert: Path, stamp: tuple[int, int], passphrase: bytes | None
) -> _ParsedKeySigner:
    # ``stamp`` (the files' mtimes) is part of the cache key, so replacing the
    # files with ``signing_init --force`` is picked up without a restart.
    loaded = signers.SimpleSigner.load(str(key), str(cert), key_passphrase=passphrase)
    if loaded is None:  # pyHanko logs the cause and returns None
        raise _not_configured(
            f"Cannot load the signing key {key} with certificate {cert}: wrong "
            "SIGNING_KEY_PASSWORD or damaged files."
        )
    return _ParsedKeySigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )


def _signer() -> _ParsedKeySigner:
    key, cert = conf.key_path(), conf.cert_path()
    missing = [str(path) for path in (key, cert) if not path.is_file()]
    if missing:
        raise _not_configured(
            f"Signing key or certificate missing: {', '.join(missing)}."
        )
    stamp = (key.stat().st_mtime_ns, cert.stat().st_mtime_ns)
    return _load_signer(key, cert, stamp, conf.key_passphrase())


def sign_pdf(
    pdf: bytes,
    *,
    reason: str,
    location: str = "",
    contact: str = "",
    field_name: str = "SapatSignature",
) -> bytes:
    """Sign ``pdf`` with the portal's key: PAdES B-B, SHA-256, invisible field.

    Requires the key and certificate of :mod:`sapat.signing.conf`. Appends the
    signature as an incremental update and returns the new bytes; no timestamp
    authority and no revocation data (the portal reaches neither). Raises
    :class:`SigningNotConfigured` when the key or certificate is missing or
    unreadable, and pyHanko's errors for a PDF it cannot parse.
    """
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        contact_info=contact or None,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    output = signers.sign_pdf(
        writer, metadata, signer=_signer(), bytes_reserved=SIGNATURE_BYTES
    )
    return output.getvalue()


# --- Verifying -----------------------------------------------------------------


@dataclass(frozen=True)
class PdfVerification:
    """What :func:`verify_pdf` found in a file.

    ``intact``: the signed bytes are unchanged and the signature is valid.
    ``covers_whole_file``: nothing was added after the signature.
    ``modification_level``: pyHanko's judgement of later changes ("none",
    "form_filling", "other", ...), empty when unknown. ``error``: why the file
    is unsigned or failed a check, in the active language.
    """

    signed: bool
    by_us: bool = False
    intact: bool = False
    covers_whole_file: bool = False
    signer: str = ""
    signed_at: datetime | None = None
    modification_level: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        """Signed by the portal, unchanged and nothing added since."""
        return self.signed and self.by_us and self.intact and self.covers_whole_file


def _our_certificate():
    path = conf.cert_path()
    if not path.is_file():
        return None
    try:
        return load_cert_from_pemder(str(path))
    except Exception:
        logger.exception("The signing certificate %s cannot be read", path)
        return None


def verify_pdf(data: bytes) -> PdfVerification:
    """Check the last signature of ``data``, never raising on bad input.

    Trusts only the portal's certificate and fetches nothing (no revocation
    checks). A file that is not a readable PDF, or one without a signature,
    gives ``signed=False`` with ``error`` saying so. Reads files, changes
    nothing.
    """
    try:
        signatures = PdfFileReader(BytesIO(data)).embedded_signatures
    except Exception as exc:
        logger.info("Not a readable PDF: %s", exc)
        return PdfVerification(
            signed=False, error=gettext("This is not a readable PDF.")
        )
    if not signatures:
        return PdfVerification(
            signed=False, error=gettext("This PDF carries no electronic signature.")
        )

    embedded = signatures[-1]
    ours = _our_certificate()
    try:
        signer_cert = embedded.signer_cert
        subject = signer_cert.subject
        signer = subject.native.get("common_name") or subject.human_friendly
        by_us = ours is not None and signer_cert.dump() == ours.dump()
    except Exception as exc:
        logger.info("Unreadable signature: %s", exc)
        return PdfVerification(
            signed=True, error=gettext("The signature in this PDF cannot be read.")
        )
    try:
        context = ValidationContext(
            trust_roots=[ours] if ours else [],
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        status = validate_pdf_signature(embedded, signer_validation_context=context)
    except Exception as exc:
        logger.info("Signature validation failed: %s", exc)
        return PdfVerification(
            signed=True,
            by_us=by_us,
            signer=signer,
            error=gettext("The signature of this PDF could not be checked."),
        )

    intact = bool(status.intact and status.valid)
    covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    if not intact:
        error = gettext("The PDF was changed after it was signed.")
    elif not covers:
        error = gettext("Content was added to the PDF after it was signed.")
    elif not by_us:
        error = gettext("The PDF was not signed by this portal.")
    else:
        error = ""
    return PdfVerification(
        signed=True,
        by_us=by_us,
        intact=intact,
        covers_whole_file=covers,
        signer=signer,
        signed_at=status.signer_reported_dt,
        modification_level=level.name.lower() if level is not None else "",
        error=error,
    )
