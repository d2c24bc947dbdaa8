"""What the public may attach: PDF, JPEG or PNG, small, and no image bombs.

The type comes from the content (:func:`documents.files.validate_upload`);
an image's size in pixels is read from its header in pure Python (the PNG
IHDR chunk, the JPEG start-of-frame segment) without decoding it, so a
small file declaring a gigantic image (a decompression bomb) is refused
before anything tries to open it.
"""

from __future__ import annotations

import io
import struct
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from documents.files import validate_upload

PUBLIC_TYPES = frozenset({"pdf", "jpeg", "png"})
#: More pixels than this (about 8000 × 5000) is refused as a possible bomb.
MAX_IMAGE_PIXELS = 40_000_000
#: How far into a JPEG the start of frame is looked for.
_JPEG_SCAN_BYTES = 2 * 1024 * 1024
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Start-of-frame markers (baseline, progressive, lossless, arithmetic…);
# C4 (Huffman tables), C8 (reserved) and CC (arithmetic conditioning) are not.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers that stand alone, without a length: TEM, RST0-7, SOI, EOI.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xDA)})


def max_upload_bytes() -> int:
    return settings.SATISFACTION_MAX_ATTACHMENT_MB * 1024 * 1024


def image_size(file: IO[bytes]) -> tuple[int, int] | None:
    """``(width, height)`` of a PNG or JPEG from its header, else None.

    Reads at most a few megabytes; leaves ``file`` at its start. None when
    the header is missing, truncated or malformed.
    """
    try:
        file.seek(0)
        head = file.read(24)
        if head.startswith(_PNG_MAGIC):
            if len(head) < 24 or head[12:16] != b"IHDR":
                return None
            width, height = struct.unpack(">II", head[16:24])
            return width, height
        if head.startswith(b"\xff\xd8"):
            file.seek(0)
            return _jpeg_size(file.read(_JPEG_SCAN_BYTES))
        return None
    finally:
        file.seek(0)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2
    end = len(data)
    while position + 4 <= end:
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker in _STANDALONE:
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if length < 2:
            return None
        if marker in _SOF_MARKERS:
            segment = data[position + 4 : position + 9]
            if len(segment) < 5:
                return None
            height, width = struct.unpack(">HH", segment[1:5])
            return width, height
        if marker == 0xDA:  # start of scan before any frame: broken
            return None
        position += 2 + length
    return None


def validate_public_upload(upload) -> str:
    """The type of a file the public sends, or a ``ValidationError``.

    Accepts PDF, JPEG and PNG judged by content, up to
    ``SATISFACTION_MAX_ATTACHMENT_MB``; refuses an image whose header is
    unreadable or declares more than :data:`MAX_IMAGE_PIXELS`. Codes:
    ``too_large``, ``empty``, ``file_type``, ``image``, ``image_too_large``.
    """
    limit = max_upload_bytes()
    size = upload.size
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    if size > limit:
        raise ValidationError(
            # Translators: %(limit)s is a number of megabytes, e.g. 5.
            _("The file is larger than %(limit)s MB.")
            % {"limit": settings.SATISFACTION_MAX_ATTACHMENT_MB},
            code="too_large",
        )
    try:
        file_type = validate_upload(upload, allowed=PUBLIC_TYPES)
    except ValidationError as error:
        if error.code == "file_type":
            raise ValidationError(
                _(
                    "Only PDF, JPEG and PNG files are accepted; "
                    "this file is not one of them."
                ),
                code="file_type",
            ) from None
        raise
    if file_type in {"jpeg", "png"}:
        dimensions = image_size(upload)
        if dimensions is None or 0 in dimensions:
            raise ValidationError(
                _("The image cannot be read; send it as a PDF instead."),
                code="image",
            )
        width, height = dimensions
        if width * height > MAX_IMAGE_PIXELS:
            raise ValidationError(
                _(
                    "The image is too large (%(width)s × %(height)s pixels); "
                    "send a smaller one."
                )
                % {"width": width, "height": height},
                code="image_too_large",
            )
    upload.seek(0)
    return file_type
