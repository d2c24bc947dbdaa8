"""Reading an uploaded register: CSV or XLSX, judged by content.

A CSV comes from Excel or LibreOffice in UTF-8 (with or without a BOM) or in
Windows-1251, separated by commas, semicolons or tabs. An XLSX is read with
openpyxl in read-only mode, first sheet only. Anything else is refused, as
are files over :data:`MAX_BYTES` or with more than :data:`MAX_ROWS` rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from documents.files import detect_type

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
#: An XLSX whose parts add up to more than this once uncompressed is not
#: opened: a real register is far smaller, a zip bomb is not.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024

#: A cell as read: text, or a date (or a number) when an XLSX cell holds one.
Cell = str | datetime.date | datetime.datetime | int | float | bool | None

_DELIMITERS = (",", ";", "\t")
# Bytes that never occur in a text file (C0 controls but tab, CR, LF).
_CONTROL = set(range(32)) - {9, 10, 13}


@dataclass
class Table:
    """The header and the data rows of a file; ``rows`` pairs each row with
    its line number in the spreadsheet (the header is line 1)."""

    kind: str  # "csv" or "xlsx"
    header: list[str]
    rows: list[tuple[int, list[Cell]]]


def _is_empty(cells) -> bool:
    return all(
        cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells
    )


def read_table(data: bytes) -> Table:
    """The header and data rows of ``data``, or a ``ValidationError``.

    Codes: ``empty``, ``too_large``, ``file_type``, ``unreadable``,
    ``no_rows``, ``too_many_rows``. Empty rows are left out.
    """
    if not data or not data.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            # Translators: %(limit)s is a number of megabytes, e.g. 5.
            _("The file is larger than %(limit)s MB."),
            code="too_large",
            params={"limit": f"{MAX_BYTES / (1024 * 1024):g}"},
        )
    if data.startswith(b"PK\x03\x04"):
        if detect_type(data[:8], io.BytesIO(data)) != "xlsx":
            raise _not_a_register()
        rows = _xlsx_rows(data)
        kind = "xlsx"
    else:
        rows = _csv_rows(data)
        kind = "csv"
    numbered = [(number, cells) for number, cells in rows if not _is_empty(cells)]
    if not numbered:
        raise ValidationError(_("The file is empty."), code="empty")
    numbered = _without_title(numbered)
    (_number, header), *body = numbered
    if not body:
        raise ValidationError(
            _("The file has a header row but no data rows."), code="no_rows"
        )
    return Table(kind=kind, header=[_text(cell) for cell in header], rows=body)


#: At most this many title lines ("Register of documents, 2026") stand
#: above the header row.
MAX_TITLE_ROWS = 5


def _filled(cells) -> int:
    return sum(1 for cell in cells if not _is_empty([cell]))


def _without_title(rows):
    """``rows`` from the header on: the lines of one cell above a header of
    several (a spreadsheet's title) are left out."""
    for position, (_number, cells) in enumerate(rows[: MAX_TITLE_ROWS + 1]):
        if _filled(cells) > 1:
            return rows[position:]
    return rows


def _not_a_register() -> ValidationError:
    return ValidationError(
        _("Only CSV and XLSX files are accepted; this file is not one of them."),
        code="file_type",
    )


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _("The file has more than %(limit)s rows; split it into several files."),
        code="too_many_rows",
        params={"limit": MAX_ROWS},
    )


def _text(cell: Cell) -> str:
    return "" if cell is None else " ".join(str(cell).split())


def decode(data: bytes) -> str:
    """The text of a CSV: UTF-8 (a BOM is dropped), else Windows-1251.

    Raises ``ValidationError`` (``file_type``) for binary content.
    """
    if data.startswith((b"%PDF-", b"\xd0\xcf\x11\xe0", b"MZ", b"\x7fELF")):
        raise _not_a_register()
    if _CONTROL & set(data[:65536]):
        raise _not_a_register()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError:
        raise _not_a_register() from None


def sniff_delimiter(text: str) -> str:
    """The separator of the first non-empty line: the one of ``,``, ``;``
    and tab it has most of outside quotes (a comma when none)."""
    for line in text.splitlines():
        if not line.strip():
            continue
        outside, quoted = [], False
        for char in line:
            if char == '"':
                quoted = not quoted
            elif not quoted:
                outside.append(char)
        counts = {d: outside.count(d) for d in _DELIMITERS}
        best = max(_DELIMITERS, key=lambda d: counts[d])
        return best if counts[best] else ","
    return ","


def _csv_rows(data: bytes):
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = []
    try:
        for cells in reader:
            if _is_empty(cells):
                continue
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error:
        raise ValidationError(
            _("The CSV file could not be read: %(reason)s."),
            code="unreadable",
            params={"reason": _("a quoted value is not closed")},
        ) from None
    return rows


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise _not_a_register()
    rows = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
                if _is_empty(cells):
                    continue
                rows.append((number, list(cells)))
                if len(rows) > MAX_ROWS + 1:
                    raise _too_many_rows()
        finally:
            workbook.close()
    except ValidationError:
        raise
    except Exception:  # openpyxl raises many kinds on a broken workbook
        raise ValidationError(
            _("The XLSX file could not be read; save it again from the spreadsheet."),
            code="unreadable",
        ) from None
    return rows
