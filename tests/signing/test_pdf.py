import base64
import io
import logging
import os
import re
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.utils import translation
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader, PdfWriter

from sapat.accounts.models import OrganisationProfile
from sapat.signing.pdf import (
    PdfVerification,
    SigningNotConfigured,
    qr_data_uri,
    render_pdf,
    safe_url_fetcher,
    sign_pdf,
    verify_pdf,
)

ROWS = 90  # enough for three pages


def _organisation(**fields) -> OrganisationProfile:
    """An unsaved profile, so rendering needs no database."""
    defaults = {
        "name_ky": "«Сапаттуу билим» аккредитациялык агенттиги",
        "name_en": "Sapattuu Bilim accreditation agency",
        "short_name": "Сапаттуу билим",
    }
    return OrganisationProfile(pk=1, **{**defaults, **fields})


def _register(**context) -> bytes:
    context = {
        "organisation": _organisation(),
        "title": "Документтердин реестри",
        "columns": ["Коду", "Аталышы"],
        "rows": [[f"ДЖ-{n:02d}", f"Жол-жобо ң ө ү {n}"] for n in range(1, ROWS)],
        "document_code": "ДЖ-01-Ф-03",
        "revision": 4,
        "controlled": True,
        **context,
    }
    with translation.override("en"):
        return render_pdf("pdf/register.html", context)


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _font_names(pdf: bytes) -> set[str]:
    """Every font name the pages use, without the subset prefix ("ABCDEF+")."""
    names = set()

    def walk(resources, seen):
        if resources is None or id(resources) in seen:
            return
        seen.add(id(resources))
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            for descendant in font.get("/DescendantFonts") or []:
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    names.add(str(descriptor.get_object()["/FontName"]))
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"), seen)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page.get("/Resources"), set())
    return {name.lstrip("/").split("+")[-1] for name in names}


@pytest.fixture(scope="module")
def register_pdf() -> bytes:
    return _register()


# --- Rendering -------------------------------------------------------------------


def test_rendered_pdf_keeps_the_kyrgyz_letters(register_pdf):
    text = "".join(_pages_text(register_pdf))
    for letter in ("ң", "ө", "ү"):
        assert letter in text
    assert "Жол-жобо ң ө ү 1" in text


def test_rendered_pdf_embeds_noto_sans_and_no_other_font(register_pdf):
    names = _font_names(register_pdf)
    assert names
    families = {name.replace("-", "").replace(" ", "") for name in names}
    assert all(family.startswith("NotoSans") for family in families), names


def test_every_page_shows_page_x_of_y(register_pdf):
    pages = _pages_text(register_pdf)
    total = len(pages)
    assert total >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text


def test_every_page_shows_the_organisation_and_document_code(register_pdf):
    for text in _pages_text(register_pdf):
        assert "Сапаттуу билим" in text
        assert "Sapattuu Bilim accreditation agency" in text  # name in English
        assert "ДЖ-01-Ф-03" in text
        assert "Revision 4" in text
        assert "controlled copy" in text.casefold()  # pdf.css sets it in capitals


def test_an_uncontrolled_copy_says_so():
    text = _pages_text(_register(controlled=False, rows=[]))[0].casefold()
    assert "uncontrolled when printed" in text
    assert "controlled copy" not in text


def test_rendering_fetches_every_resource_without_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        _register(rows=[])
    assert [r for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_the_organisation_logo_comes_from_media(settings):
    logo = settings.MEDIA_ROOT / "organisation" / "logo.png"
    logo.parent.mkdir(parents=True)
    Image.new("RGB", (40, 20), "navy").save(logo)
    pdf = _register(rows=[], organisation=_organisation(logo="organisation/logo.png"))
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = page["/Resources"]["/XObject"].values()
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects)


def test_the_manifest_lists_signatures_and_the_verification_code():
    class Signature:
        signer = "Асанова Гүлнара"
        signer_post = "Сапат боюнча менеджер"
        acting_for = "Токтогулов Үмүт"
        content_hash = "ab" * 32
        signed_at = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)

        def get_meaning_display(self):
            return "Бекитилди"

    pdf = _register(
        rows=[],
        signatures=[Signature()],
        verify_url="https://sapat.example/verify/7KQ2M9XD/",
        verify_code="7KQ2-M9XD",
    )
    text = "".join(_pages_text(pdf))
    for expected in (
        "Асанова Гүлнара",
        "Бекитилди",
        "Токтогулов Үмүт",
        "20.11.2026 15:15",  # Asia/Bishkek
        "7KQ2-M9XD",
    ):
        assert expected in text
    flat = re.sub(r"\s", "", text)
    assert flat.count("ab" * 32) == 1
    assert "https://sapat.example/verify/7KQ2M9XD/" in flat


def test_qr_data_uri_is_an_svg_data_uri():
    uri = qr_data_uri("https://sapat.example/verify/7KQ2M9XD/")
    assert uri.startswith("data:image/svg+xml")
    svg = unquote(uri.partition(",")[2])
    assert "<svg" in svg
    assert "<path" in svg


# --- Fetching --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/x.png",
        "ftp://example.com/x.png",
        "file:///etc/passwd",
        "file://otherhost/static/css/pdf.css",
        "/static/../../etc/passwd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/css/../../../manage.py",
        "/media/../secret",
        "/media/%2E%2E/secret",
        "/etc/passwd",
        "/static/css/missing.css",
        "javascript:alert(1)",
    ],
)
def test_the_fetcher_refuses(url, settings, tmp_path):
    (tmp_path / "secret").write_text("top secret")
    settings.MEDIA_ROOT.mkdir(parents=True)
    with pytest.raises(ValueError):
        safe_url_fetcher(url)


def test_the_fetcher_refuses_file_urls_outside_static_and_media(settings):
    with pytest.raises(ValueError):
        safe_url_fetcher((settings.BASE_DIR / "manage.py").as_uri())


def test_the_fetcher_refuses_a_symlink_leaving_media(settings, tmp_path):
    (tmp_path / "secret").write_text("top secret")
    settings.MEDIA_ROOT.mkdir(parents=True)
    os.symlink(tmp_path / "secret", settings.MEDIA_ROOT / "link.txt")
    with pytest.raises(ValueError):
        safe_url_fetcher("/media/link.txt")


def test_the_fetcher_serves_static_files():
    response = safe_url_fetcher("/static/css/pdf.css")
    assert response.content_type == "text/css"
    assert b"@font-face" in response.read()


def test_the_fetcher_serves_media_files_as_paths_and_file_urls(settings):
    note = settings.MEDIA_ROOT / "docs" / "note.txt"
    note.parent.mkdir(parents=True)
    note.write_text("ң ө ү")
    assert safe_url_fetcher("/media/docs/note.txt").read() == "ң ө ү".encode()
    assert safe_url_fetcher(note.as_uri()).read() == "ң ө ү".encode()


def test_the_fetcher_serves_static_file_urls(settings):
    font = settings.BASE_DIR / "static" / "fonts" / "NotoSans-Regular.ttf"
    assert safe_url_fetcher(font.as_uri()).read() == font.read_bytes()


def test_the_fetcher_serves_data_uris():
    encoded = base64.b64encode("ң ө ү".encode()).decode()
    response = safe_url_fetcher(f"data:text/plain;charset=utf-8;base64,{encoded}")
    assert response.read() == "ң ө ү".encode()
    assert response.content_type == "text/plain"


# --- Signing and verifying --------------------------------------------------------


def test_a_signed_pdf_verifies_as_ours_intact_and_whole(signing_keys, register_pdf):
    signed = sign_pdf(register_pdf, reason="Бекитилди", location="Бишкек")
    result = verify_pdf(signed)
    assert result.signed and result.by_us and result.intact
    assert result.covers_whole_file
    assert result.ok
    assert result.signer == "Sapat"  # the default organisation profile
    assert result.signed_at is not None
    assert result.modification_level == "none"
    assert result.error == ""


def test_a_changed_byte_in_the_signed_content_breaks_the_signature(
    signing_keys, register_pdf
):
    signed = sign_pdf(register_pdf, reason="Бекитилди")
    at = signed.index(b"WeasyPrint")  # the /Producer, signed and outside /Contents
    tampered = signed[:at] + b"X" + signed[at + 1 :]
    result = verify_pdf(tampered)
    assert result.signed
    assert not result.intact
    assert not result.ok
    assert result.error


def test_bytes_appended_after_signing_are_not_covered(signing_keys, register_pdf):
    signed = sign_pdf(register_pdf, reason="Бекитилди")
    result = verify_pdf(signed + b"\n% appended\n")
    assert result.signed and result.intact
    assert not result.covers_whole_file
    assert not result.ok


def test_an_incremental_update_after_signing_is_not_covered(signing_keys, register_pdf):
    signed = sign_pdf(register_pdf, reason="Бекитилди")
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    updated = io.BytesIO()
    writer.write(updated)
    result = verify_pdf(updated.getvalue())
    assert result.signed and result.intact
    assert not result.covers_whole_file
    assert result.modification_level != "none"


def test_a_pdf_signed_with_another_key_is_not_ours(signing_keys, register_pdf):
    signed = sign_pdf(register_pdf, reason="Бекитилди")
    call_command("signing_init", "--force", stdout=io.StringIO())
    result = verify_pdf(signed)
    assert result.signed and result.intact and result.covers_whole_file
    assert not result.by_us
    assert not result.ok


def _unsigned_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"hello",
        b"",
        b"%PDF-1.7\n",
        _unsigned_pdf()[:200],
        _unsigned_pdf(),
    ],
    ids=["text", "empty", "header-only", "truncated", "unsigned"],
)
def test_verify_pdf_reports_unsigned_without_raising(data, key_paths):
    result = verify_pdf(data)
    assert isinstance(result, PdfVerification)
    assert result.signed is False
    assert result.error


def test_a_truncated_signed_pdf_is_not_signed(signing_keys, register_pdf):
    signed = sign_pdf(register_pdf, reason="Бекитилди")
    result = verify_pdf(signed[: len(signed) // 2])
    assert result.signed is False
    assert result.error


def test_sign_pdf_without_keys_asks_for_signing_init(key_paths, register_pdf):
    with pytest.raises(SigningNotConfigured, match="signing_init"):
        sign_pdf(register_pdf, reason="Бекитилди")


def test_a_key_encrypted_with_the_password_signs(
    key_paths, db, monkeypatch, register_pdf
):
    monkeypatch.setenv("SIGNING_KEY_PASSWORD", "correct horse battery")
    call_command("signing_init", stdout=io.StringIO())
    assert b"ENCRYPTED" in key_paths[0].read_bytes()
    assert verify_pdf(sign_pdf(register_pdf, reason="Бекитилди")).ok

    monkeypatch.setenv("SIGNING_KEY_PASSWORD", "wrong")
    with pytest.raises(SigningNotConfigured, match="SIGNING_KEY_PASSWORD"):
        sign_pdf(register_pdf, reason="Бекитилди")


def test_an_approvable_pdf_shows_its_title_and_an_empty_manifest():
    context = {
        "organisation": _organisation(),
        "object": "ДЖ-01 Документтерди башкаруу",
        "title": "",
        "signatures": [],
        "verify_url": "https://sapat.example/verify/7KQ2M9XD/",
        "verify_code": "7KQ2-M9XD",
    }
    with translation.override("en"):
        pdf = render_pdf("pdf/approvable.html", context)
    text = "".join(_pages_text(pdf))
    assert "ДЖ-01 Документтерди башкаруу" in text  # the object, for want of a title
    assert "Not signed yet." in text
    assert "7KQ2-M9XD" in text
