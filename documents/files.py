"""What a revision's file is, whether it is accepted, and the text inside it.

Pure Python: the type is read from the content (no libmagic), the text with
:mod:`pypdf`, :mod:`zipfile` and the expat parser. A file's name and extension
are never trusted: an executable renamed ``x.pdf`` is refused.
"""

from __future__ import annotations

import contextlib
import io
import logging
import zipfile
from typing import IO
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

#: The kinds of file a revision may carry (ДЖ-01: documents are kept as
#: PDF or editable office files).
ALLOWED = {"pdf", "docx", "xlsx", "odt"}
#: Evidence (of a nonconformity, a complaint…) may also be a photo or a scan.
EVIDENCE_TYPES = ALLOWED | {"jpeg", "png"}
MAX_UPLOAD_BYTES = 25 * 1024 * 1024

#: A member of an office file bigger than this once uncompressed is not read:
#: a real document's XML is far smaller, a zip bomb is not.
MAX_MEMBER_BYTES = 50 * 1024 * 1024

_HEAD_BYTES = 8
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_EXECUTABLE_MAGICS = (
    b"MZ",  # Windows PE (.exe, .dll), also self-extracting archives
    b"\x7fELF",  # Linux and other Unix executables
    b"#!",  # scripts
    b"\xfe\xed\xfa\xce",  # Mach-O 32-bit
    b"\xfe\xed\xfa\xcf",  # Mach-O 64-bit
    b"\xce\xfa\xed\xfe",  # Mach-O 32-bit, little-endian
    b"\xcf\xfa\xed\xfe",  # Mach-O 64-bit, little-endian
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary (and Java classes)
)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def detect_type(head: bytes, file: IO[bytes] | None = None) -> str | None:
    """The file's type, one of :data:`EVIDENCE_TYPES`, judged by its content.

    ``head`` is the start of the file (8 bytes are enough). An office file is
    a ZIP whose entries are read from ``file`` (seekable; left where it was),
    or from ``head`` itself when no file is given and ``head`` holds it all.
    Executables, macro-enabled office files and anything else give None.
    """
    if head.startswith(_EXECUTABLE_MAGICS):
        return None
    if head.startswith(_PDF_MAGIC):
        return "pdf"
    if head.startswith(_JPEG_MAGIC):
        return "jpeg"
    if head.startswith(_PNG_MAGIC):
        return "png"
    if not head.startswith(_ZIP_MAGIC):
        return None
    source = file if file is not None else io.BytesIO(head)
    try:
        position = source.tell()
    except (AttributeError, OSError, ValueError):
        return None
    try:
        with zipfile.ZipFile(source) as archive:
            return _office_type(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return None
    finally:
        source.seek(position)


def _office_type(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    # .docm and .xlsm carry their macros in a vbaProject.bin part: they are
    # not the DOCX and XLSX this register accepts.
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    if "mimetype" in names:
        info = archive.getinfo("mimetype")
        if info.file_size <= 100:
            with archive.open(info) as member:
                if member.read(101).strip() == _ODT_MIMETYPE:
                    return "odt"
    return None


def validate_upload(upload, *, allowed: frozenset[str] | set[str] = ALLOWED) -> str:
    """The detected type of an uploaded file, or a ValidationError saying why not.

    Requires a Django ``UploadedFile``; its name and extension are ignored.
    Raises ``ValidationError`` (codes ``empty``, ``too_large``, ``file_type``)
    for an empty file, one over :data:`MAX_UPLOAD_BYTES`, or one whose
    content is not of an ``allowed`` type (by default PDF, DOCX, XLSX, ODT;
    :data:`EVIDENCE_TYPES` adds JPEG and PNG). Leaves the file at its start.
    """
    size = upload.size
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            # Translators: %(limit)s is a number of megabytes, e.g. 25.
            _("The file is larger than %(limit)s MB."),
            code="too_large",
            params={"limit": f"{MAX_UPLOAD_BYTES / (1024 * 1024):g}"},
        )
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    if not size or not head:
        raise ValidationError(_("The file is empty."), code="empty")
    file_type = detect_type(head, upload)
    upload.seek(0)
    if file_type not in allowed:
        if allowed == EVIDENCE_TYPES:
            message = _(
                "Only PDF, DOCX, XLSX, ODT, JPEG and PNG files are accepted; "
                "this file is not one of them."
            )
        else:
            message = _(
                "Only PDF, DOCX, XLSX and ODT files are accepted; "
                "this file is not one of them."
            )
        raise ValidationError(message, code="file_type")
    return file_type


def extract_text(
    file: IO[bytes] | bytes, file_type: str, *, limit: int = 2_000_000
) -> str:
    """The file's text for search and comparison, at most ``limit`` characters.

    ``file`` is a readable, seekable binary file (read from its start) or the
    bytes themselves, and is left at its start; ``file_type`` is what
    :func:`detect_type` said. Paragraphs are separated by newlines. Never
    raises: a broken or unknown file gives "".
    """
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    try:
        file.seek(0)
        if file_type == "pdf":
            text = _pdf_text(file, limit)
        elif file_type == "docx":
            text = _zip_xml_text(
                file,
                "word/document.xml",
                paragraphs={f"{_W} p"},
                texts={f"{_W} t"},
                breaks={f"{_W} tab": "\t", f"{_W} br": "\n", f"{_W} cr": "\n"},
                limit=limit,
            )
        elif file_type == "odt":
            text = _zip_xml_text(
                file,
                "content.xml",
                paragraphs={f"{_TEXT} p", f"{_TEXT} h"},
                texts=None,
                breaks={
                    f"{_TEXT} s": " ",
                    f"{_TEXT} tab": "\t",
                    f"{_TEXT} line-break": "\n",
                },
                limit=limit,
            )
        elif file_type == "xlsx":
            text = _zip_xml_text(
                file,
                "xl/sharedStrings.xml",
                paragraphs={f"{_SML} si"},
                texts={f"{_SML} t"},
                skip={f"{_SML} rPh"},  # phonetic guides repeat the text
                limit=limit,
            )
        else:
            return ""
    except Exception:  # any broken file: pypdf, zipfile and expat raise many kinds
        logger.info("No text could be taken from a %s file", file_type, exc_info=True)
        text = ""
    with contextlib.suppress(Exception):
        file.seek(0)
    # PostgreSQL's text refuses NUL, which some PDFs' text carries.
    return text.replace("\x00", "")[:limit].strip()


def _pdf_text(file: IO[bytes], limit: int) -> str:
    from pypdf import PdfReader

    reader = PdfReader(file)
    if reader.is_encrypted and not reader.decrypt(""):
        return ""
    pages: list[str] = []
    length = 0
    for page in reader.pages:
        text = (page.extract_text() or "").strip()
        pages.append(text)
        length += len(text) + 1
        if length >= limit:
            break
    return "\n".join(pages)


class _Enough(Exception):
    """Raised inside the parser's callbacks: ``limit`` characters are taken."""


class _Refused(Exception):
    """The XML declares a DTD; office formats never do, entity bombs do."""


def _zip_xml_text(
    file: IO[bytes],
    member: str,
    *,
    paragraphs: set[str],
    texts: set[str] | None,
    breaks: dict[str, str] | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
    limit: int,
) -> str:
    """The text of one XML member of a ZIP, streamed through expat.

    Character data counts inside a paragraph element and, when ``texts`` is
    given, only inside one of those elements. ``breaks`` are empty elements
    that stand for whitespace; nothing inside a ``skip`` element counts.
    """
    with zipfile.ZipFile(file) as archive:
        try:
            info = archive.getinfo(member)
        except KeyError:
            return ""
        if info.file_size > MAX_MEMBER_BYTES:
            logger.info("%s is %d bytes uncompressed: not read", member, info.file_size)
            return ""
        collector = _TextCollector(paragraphs, texts, breaks or {}, skip, limit)
        # zipfile never yields more than the member's declared size.
        with archive.open(info) as stream, contextlib.suppress(_Enough):
            collector.feed(stream)
        return collector.text()


class _TextCollector:
    def __init__(self, paragraphs, texts, breaks, skip, limit):
        self.paragraphs, self.texts, self.breaks = paragraphs, texts, breaks
        self.skip, self.limit = skip, limit
        self.lines: list[str] = []
        self.current: list[str] = []
        self.length = 0
        self.in_paragraph = self.in_text = self.in_skip = 0

    def feed(self, stream: IO[bytes]) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self._refuse
        parser.EntityDeclHandler = self._refuse
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        parser.buffer_text = True
        while chunk := stream.read(64 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)

    def text(self) -> str:
        if self.current:
            self.lines.append("".join(self.current))
        return "\n".join(self.lines)

    def _refuse(self, *args) -> None:
        raise _Refused

    def _start(self, name: str, attributes: dict) -> None:
        if name in self.skip:
            self.in_skip += 1
        elif name in self.paragraphs:
            self.in_paragraph += 1
        elif self.texts is not None and name in self.texts:
            self.in_text += 1
        elif name in self.breaks and self.in_paragraph and not self.in_skip:
            count = 1
            if name == f"{_TEXT} s":  # <text:s text:c="3"/> is three spaces
                raw = attributes.get(f"{_TEXT} c", "1")
                count = min(int(raw), 1000) if raw.isdigit() else 1
            self._add(self.breaks[name] * count)

    def _end(self, name: str) -> None:
        if name in self.skip:
            self.in_skip -= 1
        elif name in self.paragraphs:
            self.in_paragraph -= 1
            self.lines.append("".join(self.current))
            self.current = []
            self.length += 1
            if self.length >= self.limit:
                raise _Enough
        elif self.texts is not None and name in self.texts:
            self.in_text -= 1

    def _data(self, data: str) -> None:
        if self.in_skip or not self.in_paragraph:
            return
        if self.texts is not None and not self.in_text:
            return
        self._add(data)

    def _add(self, data: str) -> None:
        self.current.append(data)
        self.length += len(data)
        if self.length >= self.limit:
            raise _Enough
