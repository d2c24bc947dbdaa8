"""What the public may attach: by content, by size, and no image bombs."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from satisfaction.files import MAX_IMAGE_PIXELS, image_size, validate_public_upload
from tests.satisfaction.factories import PDF, jpeg_bytes, png_bytes, upload


def test_png_size_is_read_from_its_header():
    assert image_size(io.BytesIO(png_bytes(640, 480))) == (640, 480)


def test_jpeg_size_is_read_from_its_start_of_frame():
    assert image_size(io.BytesIO(jpeg_bytes(1024, 768))) == (1024, 768)


def test_jpeg_with_fill_bytes_and_restart_markers_is_read():
    data = jpeg_bytes(10, 20)
    data = data[:2] + b"\xff\xff" + data[2:]
    assert image_size(io.BytesIO(data)) == (10, 20)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"\xff\xd8\xff\xe0\x00",
        b"\xff\xd8\xff\xda\x00\x08\x00\x00\x00\x00\x00\x00",
        b"\xff\xd8\x00\x00\x00\x00",
        b"GIF89a",
    ],
)
def test_broken_headers_give_no_size(data):
    assert image_size(io.BytesIO(data)) is None


@pytest.mark.parametrize(
    ("name", "content"),
    [("a.pdf", PDF), ("a.png", png_bytes(800, 600)), ("a.jpg", jpeg_bytes(800, 600))],
)
def test_pdf_jpeg_and_png_are_accepted(name, content):
    assert validate_public_upload(upload(name, content)) in {"pdf", "png", "jpeg"}


def _message(content, name="x.pdf") -> str:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_public_upload(upload(name, content))
    return caught.value.messages[0]


def test_wrong_type_is_refused_whatever_its_name():
    assert "Only PDF, JPEG and PNG" in _message(b"MZ\x90\x00 executable", "a.pdf")
    assert "Only PDF, JPEG and PNG" in _message(b"PK\x03\x04 zip", "a.png")


def test_oversized_file_is_refused(settings):
    settings.SATISFACTION_MAX_ATTACHMENT_MB = 1
    assert "larger than 1 MB" in _message(PDF + b"0" * (1024 * 1024))


def test_decompression_bomb_png_is_refused():
    side = int(MAX_IMAGE_PIXELS**0.5) + 10
    message = _message(png_bytes(side, side), "bomb.png")
    assert "The image is too large" in message


def test_decompression_bomb_jpeg_is_refused():
    assert "too large" in _message(jpeg_bytes(65000, 65000), "bomb.jpg")


def test_unreadable_image_is_refused():
    assert "cannot be read" in _message(b"\xff\xd8\xff\x00garbage", "x.jpg")
