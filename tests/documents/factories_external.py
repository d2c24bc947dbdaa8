"""Factories of external documents and letters."""

from datetime import date
from functools import cache

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import ExternalDocument, Letter, LetterFile
from documents.services.letters import reg_number
from tests.accounts.factories import UserFactory


@cache
def pdf_bytes() -> bytes:
    """A real one-page PDF, made once per run."""
    import weasyprint

    return weasyprint.HTML(string="<p>Кат ң ө ү</p>").write_pdf()


def pdf_upload(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), "application/pdf")


def executable_upload(name: str = "scan.pdf") -> SimpleUploadedFile:
    """A Windows program renamed to look like a PDF."""
    return SimpleUploadedFile(
        name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, "application/pdf"
    )


class ExternalDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalDocument

    title = factory.Sequence(lambda n: f"Билим берүү жөнүндө мыйзам {n}")
    kind = ExternalDocument.Kind.LAW
    issuer = "Жогорку Кеңеш"
    number = factory.Sequence(lambda n: f"{n}-З")
    responsible = factory.SubFactory(UserFactory)
    registered_by = factory.SelfAttribute("responsible")


class LetterFactory(factory.django.DjangoModelFactory):
    """An open incoming letter; numbers follow the factory's own sequence."""

    class Meta:
        model = Letter

    direction = Letter.Direction.INCOMING
    date = date(2026, 3, 2)
    year = factory.LazyAttribute(lambda o: o.date.year)
    sequence = factory.Sequence(lambda n: 1000 + n)
    reg_number = factory.LazyAttribute(
        lambda o: reg_number(o.direction, o.year, o.sequence)
    )
    counterparty = "Билим берүү министрлиги"
    subject = factory.Sequence(lambda n: f"Аккредитация жөнүндө кат {n}")
    executor = factory.SubFactory(UserFactory)
    registered_by = factory.SubFactory(UserFactory)


class LetterFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterFile

    letter = factory.SubFactory(LetterFactory)
    file = factory.LazyFunction(lambda: ContentFile(pdf_bytes(), name="scan.pdf"))
    file_type = "pdf"
