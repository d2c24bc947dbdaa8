"""Factories of customer satisfaction: feedback, questionnaires, surveys."""

import struct
import zlib
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satisfaction.models import (
    Channel,
    Feedback,
    Kind,
    Question,
    QuestionKind,
    Questionnaire,
    Survey,
)
from satisfaction.services import new_code

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` (data is tiny)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    idat = zlib.compress(b"\x00" * (1 + 3 * min(width, 4)) * min(height, 4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def jpeg_bytes(width: int = 16, height: int = 16) -> bytes:
    """A JPEG header (SOI, APP0, SOF0) declaring ``width`` × ``height``."""
    app0 = (
        b"\xff\xe0"
        + struct.pack(">H", 16)
        + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    )
    sof = (
        b"\xff\xc0"
        + struct.pack(">HBHHB", 17, 8, height, width, 3)
        + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    )
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def upload(name="scan.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    code = factory.LazyFunction(new_code)
    kind = Kind.COMPLAINT
    channel = Channel.WEB
    name = factory.Sequence(lambda n: f"Кардар {n}")
    organisation = factory.Sequence(lambda n: f"Колледж {n}")
    email = factory.Sequence(lambda n: f"client{n}@example.kg")
    text = "Эксперттик корутунду кечигип келди."
    consent = True
    received_on = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    language = "en"


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    title = factory.Sequence(lambda n: f"Анкета {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    order = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Суроо {n}")
    kind = QuestionKind.SCALE5


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    title = factory.Sequence(lambda n: f"Сурамжылоо {n}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
