"""documents.files: what a file is by its content, and the text inside it."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from documents import files

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def make_zip(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            # ODF wants its mimetype first and stored, as real files have it.
            method = zipfile.ZIP_STORED if name == "mimetype" else None
            archive.writestr(name, content, compress_type=method)
    return buffer.getvalue()


def make_docx(*paragraphs: str, document_xml: str | None = None) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    document_xml = document_xml or (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}">'
        f"<w:body>{body}</w:body></w:document>"
    )
    return make_zip(
        {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document_xml}
    )


def make_xlsx(*strings: str) -> bytes:
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    return make_zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "xl/workbook.xml": f'<workbook xmlns="{SML}"><sheets/></workbook>',
            "xl/sharedStrings.xml": f'<sst xmlns="{SML}">{items}</sst>',
        }
    )


def make_odt(body: str, mimetype: str = "application/vnd.oasis.opendocument.text"):
    return make_zip(
        {
            "mimetype": mimetype,
            "content.xml": (
                f'<office:document-content xmlns:office="{ODF_OFFICE}" '
                f'xmlns:text="{ODF_TEXT}"><office:body><office:text>{body}'
                "</office:text></office:body></office:document-content>"
            ),
        }
    )


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    import weasyprint

    return weasyprint.HTML(string="<p>Документтерди башкаруу</p>").write_pdf()


@pytest.fixture
def samples(pdf_bytes) -> dict[str, bytes]:
    return {
        "pdf": pdf_bytes,
        "docx": make_docx("Документтерди башкаруу"),
        "xlsx": make_xlsx("Иштердин номенклатурасы"),
        "odt": make_odt("<text:p>Сапат</text:p>"),
    }


def upload(content: bytes, name: str = "file.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(content: bytes, name: str = "file.bin") -> ValidationError:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        files.validate_upload(upload(content, name))
    return caught.value


# --- detect_type ----------------------------------------------------------


@pytest.mark.parametrize("file_type", ["pdf", "docx", "xlsx", "odt"])
def test_detect_type_reads_the_content(samples, file_type):
    content = samples[file_type]
    stream = io.BytesIO(content)
    stream.seek(3)

    assert files.detect_type(content[:8], stream) == file_type
    assert stream.tell() == 3, "the file is left where it was"
    assert files.detect_type(content) == file_type, "head alone, when it is all"


@pytest.mark.parametrize(
    "head",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",
        b"\x7fELF\x02\x01\x01\x00",
        b"#!/bin/sh\nrm -rf /",
        b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",
        b"\xca\xfe\xba\xbe\x00\x00\x00\x02",
        b"GIF89a\x01\x00",
        b"",
    ],
)
def test_detect_type_gives_none_for_executables_and_other_files(head):
    assert files.detect_type(head, io.BytesIO(head)) is None


def test_detect_type_refuses_a_macro_enabled_word_file():
    docm = make_zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": f'<w:document xmlns:w="{W}"/>',
            "word/vbaProject.bin": b"\x00" * 16,
        }
    )

    assert files.detect_type(docm) is None


def test_detect_type_refuses_an_odf_spreadsheet():
    ods = make_odt("", mimetype="application/vnd.oasis.opendocument.spreadsheet")

    assert files.detect_type(ods) is None


def test_detect_type_refuses_a_broken_zip():
    assert files.detect_type(b"PK\x03\x04 not really a zip") is None


# --- validate_upload ------------------------------------------------------


@pytest.mark.parametrize("file_type", ["pdf", "docx", "xlsx", "odt"])
def test_validate_upload_accepts_the_four_types_whatever_their_name(samples, file_type):
    content = samples[file_type]
    uploaded = upload(content, name="named-wrongly.exe")

    assert files.validate_upload(uploaded) == file_type
    assert uploaded.read() == content, "the file is left at its start"


def test_validate_upload_refuses_an_executable_renamed_pdf():
    error = refusal(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, "x.pdf")

    assert error.code == "file_type"
    assert error.messages == [
        "Only PDF, DOCX, XLSX and ODT files are accepted; this file is not one of them."
    ]


def test_validate_upload_refuses_a_zip_that_is_no_office_file():
    content = make_zip({"notes.txt": "Документтерди башкаруу"})

    error = refusal(content, "report.docx")

    assert error.code == "file_type"
    assert "Only PDF, DOCX, XLSX and ODT" in error.messages[0]


def test_validate_upload_refuses_an_empty_file():
    error = refusal(b"", "empty.pdf")

    assert error.code == "empty"
    assert error.messages == ["The file is empty."]


def test_validate_upload_refuses_a_file_over_the_limit(monkeypatch, pdf_bytes):
    monkeypatch.setattr(files, "MAX_UPLOAD_BYTES", len(pdf_bytes) - 1)

    error = refusal(pdf_bytes, "big.pdf")

    assert error.code == "too_large"
    assert "larger than" in error.messages[0]


def test_validate_upload_names_the_limit_of_25_mb(pdf_bytes):
    uploaded = upload(pdf_bytes, "big.pdf")
    uploaded.size = 25 * 1024 * 1024 + 1

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        files.validate_upload(uploaded)

    assert caught.value.messages == ["The file is larger than 25 MB."]


# --- extract_text ---------------------------------------------------------


def test_extract_text_of_a_pdf_keeps_cyrillic(pdf_bytes):
    text = files.extract_text(io.BytesIO(pdf_bytes), "pdf")

    assert "Документтерди башкаруу" in text


def test_extract_text_of_a_docx_joins_paragraphs_with_newlines():
    content = make_docx("Документтерди башкаруу", "Өзгөртүүлөр ң ү")

    text = files.extract_text(io.BytesIO(content), "docx")

    assert text == "Документтерди башкаруу\nӨзгөртүүлөр ң ү"


def test_extract_text_of_a_docx_reads_runs_and_skips_deleted_text():
    document_xml = (
        f'<w:document xmlns:w="{W}"><w:body><w:p>'
        "<w:r><w:t>Сапат</w:t></w:r><w:r><w:tab/><w:t>саясаты</w:t></w:r>"
        "<w:del><w:r><w:delText>өчүрүлгөн</w:delText></w:r></w:del>"
        "</w:p></w:body></w:document>"
    )

    text = files.extract_text(make_docx(document_xml=document_xml), "docx")

    assert text == "Сапат\tсаясаты"


def test_extract_text_of_an_odt_reads_paragraphs_and_headings():
    body = (
        "<text:h>Иштердин номенклатурасы</text:h>"
        '<text:p>Бөлүм<text:s text:c="2"/><text:span>ДЖ-02</text:span></text:p>'
    )

    text = files.extract_text(io.BytesIO(make_odt(body)), "odt")

    assert text == "Иштердин номенклатурасы\nБөлүм  ДЖ-02"


def test_extract_text_of_an_xlsx_reads_the_shared_strings():
    content = make_xlsx("Коду", "Аталышы", "Күчүндө")

    assert files.extract_text(io.BytesIO(content), "xlsx") == "Коду\nАталышы\nКүчүндө"


def test_extract_text_stops_at_the_limit():
    content = make_docx(*["Документтерди башкаруу"] * 100)

    text = files.extract_text(content, "docx", limit=30)

    assert 0 < len(text) <= 30
    assert text.startswith("Документтерди башкаруу")


@pytest.mark.parametrize(
    ("content", "file_type"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "pdf"),
        (b"", "pdf"),
        (b"PK\x03\x04 not a zip", "docx"),
        (make_zip({"[Content_Types].xml": CONTENT_TYPES}), "docx"),
        (make_zip({"word/document.xml": "<w:document"}), "docx"),
        (b"anything", "exe"),
    ],
    ids=["broken-pdf", "empty-pdf", "broken-zip", "no-member", "bad-xml", "type"],
)
def test_extract_text_of_a_broken_file_is_empty(content, file_type):
    assert files.extract_text(io.BytesIO(content), file_type) == ""


def test_extract_text_skips_a_member_too_big_uncompressed(monkeypatch):
    content = make_docx("Документтерди башкаруу")
    monkeypatch.setattr(files, "MAX_MEMBER_BYTES", 50)

    assert files.extract_text(content, "docx") == ""


def test_extract_text_refuses_xml_entities():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE w:document ['
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )

    assert files.extract_text(make_docx(document_xml=bomb), "docx") == ""


def test_extract_text_drops_nul_characters(monkeypatch):
    monkeypatch.setattr(files, "_pdf_text", lambda file, limit: "Сапат\x00 саясаты")

    assert files.extract_text(b"%PDF-1.7", "pdf") == "Сапат саясаты"


def test_extract_text_leaves_the_file_at_its_start():
    stream = io.BytesIO(make_docx("Документтерди башкаруу"))

    files.extract_text(stream, "docx")

    assert stream.tell() == 0


# --- Evidence: photos and scans -------------------------------------------

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.mark.parametrize(("content", "file_type"), [(JPEG, "jpeg"), (PNG, "png")])
def test_photos_are_recognised_by_content(content, file_type):
    assert files.detect_type(content[:8], io.BytesIO(content)) == file_type
    assert files.detect_type(content) == file_type


@pytest.mark.parametrize(("content", "file_type"), [(JPEG, "jpeg"), (PNG, "png")])
def test_evidence_accepts_photos_that_documents_refuse(content, file_type):
    uploaded = upload(content, name="scan.pdf")

    assert files.validate_upload(uploaded, allowed=files.EVIDENCE_TYPES) == file_type
    assert uploaded.read() == content, "the file is left at its start"
    assert refusal(content, "photo.jpg").code == "file_type"


def test_evidence_refuses_other_images_naming_the_photo_types():
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        files.validate_upload(
            upload(b"GIF89a\x01\x00\x01\x00" + b"\x00" * 32, "photo.png"),
            allowed=files.EVIDENCE_TYPES,
        )

    assert caught.value.code == "file_type"
    assert caught.value.messages == [
        "Only PDF, DOCX, XLSX, ODT, JPEG and PNG files are accepted; "
        "this file is not one of them."
    ]
