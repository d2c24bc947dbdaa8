"""The PDFs of the records app: the nomenclature of files and the disposal act."""

import datetime
import io
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext, ngettext
from pypdf import PdfReader

from records.models import (
    DisposalAct,
    Medium,
    Nomenclature,
    NomenclatureItem,
    Record,
    Retention,
    Section,
)
from records.pdf_context import disposal_act_pdf_context, nomenclature_pdf_context
from sapat.accounts.models import User
from sapat.signing.models import ApprovalStatus, Meaning, Signature
from sapat.signing.pdf import render_pdf, sign_pdf, verify_pdf
from sapat.signing.services import manifest

RETENTIONS = [Retention.YEARS, Retention.PERMANENT, Retention.UNTIL_REPLACED]
MEDIA = [Medium.ELECTRONIC, Medium.PAPER, Medium.BOTH]
_usernames = itertools.count()


def make_people(count: int) -> list[User]:
    numbers = [next(_usernames) for _ in range(count)]
    return User.objects.bulk_create(
        User(username=f"keeper{n}", full_name=f"Сапарова Гүлнур {n}", post="Адис")
        for n in numbers
    )


def make_nomenclature(
    items: int, *, sections: int = 10, people: list[User] | None = None, year=2026
) -> Nomenclature:
    """A nomenclature of ``items`` items spread over ``sections`` sections.

    Item n is kept by ``people[n]`` (cycling) and is indexed "SS-NNN".
    """
    people = people or make_people(1)
    nomenclature = Nomenclature.objects.create(year=year)
    section_list = Section.objects.bulk_create(
        Section(
            nomenclature=nomenclature,
            code=f"{s + 1:02d}",
            title=f"Бөлүм {s + 1}: сапат кызматы",
            order=s,
        )
        for s in range(sections)
    )
    NomenclatureItem.objects.bulk_create(
        NomenclatureItem(
            nomenclature=nomenclature,
            section=section_list[n % sections],
            index=f"{n % sections + 1:02d}-{n // sections + 1:03d}",
            title=f"Ички аудиттердин отчеттору ң ө ү № {n + 1}",
            retention_kind=RETENTIONS[n % 3],
            retention_years=5 if RETENTIONS[n % 3] == Retention.YEARS else None,
            legal_basis=f"Типтүү тизме, {n + 1}-бер.",
            storage_place=f"\\\\server\\qms\\{n + 1:04d}",
            medium=MEDIA[n % 3],
            responsible=people[n % len(people)],
            restricted=n % 50 == 0,
        )
        for n in range(items)
    )
    return nomenclature


def render_nomenclature(nomenclature: Nomenclature, **context) -> bytes:
    """The PDF the signing pipeline makes, in Kyrgyz as it always is."""
    with translation.override("ky"):
        return render_pdf(
            nomenclature.pdf_template,
            {
                "object": nomenclature,
                "title": str(nomenclature),
                "signatures": manifest(nomenclature),
                "verify_url": "https://sapat.example/verify/ABCD-2345/",
                "verify_code": "ABCD-2345",
                "document_code": nomenclature.document_code,
                "revision": 1,
                "controlled": True,
                **nomenclature_pdf_context(nomenclature),
                **context,
            },
        )


def pdf_text(pdf: bytes) -> str:
    """The text of every page, with lines (and so wrapped cells) joined."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def i_approve() -> str:
    with translation.override("ky"):
        return gettext("I APPROVE")


@pytest.mark.django_db
def test_nomenclature_pdf_of_1000_items_is_landscape_kyrgyz_and_verifies(
    pdf_keys, organisation
):
    nomenclature = make_nomenclature(1000, people=make_people(3))

    pdf = render_nomenclature(nomenclature)
    signed = sign_pdf(pdf, reason="Бекитилди")

    reader = PdfReader(io.BytesIO(signed))
    assert len(reader.pages) > 20
    for page in reader.pages:
        assert page.mediabox.width > page.mediabox.height
    text = pdf_text(signed)
    assert i_approve() in text
    assert organisation.name_ky in text
    missing = [
        index
        for index in NomenclatureItem.objects.values_list("index", flat=True)
        if index not in text
    ]
    assert missing == []
    assert {"ң", "ө", "ү"} <= set(text)
    check = verify_pdf(signed)
    assert check.intact
    assert check.by_us
    assert check.covers_whole_file


@pytest.mark.django_db
def test_nomenclature_pdf_leaves_the_approval_lines_blank_until_approved(
    organisation,
):
    nomenclature = make_nomenclature(3, sections=1)

    text = pdf_text(render_nomenclature(nomenclature))

    assert i_approve() in text
    assert "______" in text
    assert organisation.director.full_name in text
    assert "01-001" in text


@pytest.mark.django_db
def test_nomenclature_pdf_shows_who_approved_it_and_when(organisation, director):
    nomenclature = make_nomenclature(3, sections=1)
    nomenclature.approval_status = ApprovalStatus.APPROVED
    nomenclature.approved_at = datetime.datetime(2026, 1, 15, 4, tzinfo=datetime.UTC)
    nomenclature.save()
    Signature.objects.create(
        content_type=ContentType.objects.get_for_model(nomenclature),
        object_id=nomenclature.pk,
        object_version=nomenclature.current_version(),
        signer=director,
        signer_name="Асанова Айгүл Бакытовна",
        signer_post="Директор",
        meaning=Meaning.APPROVED,
        signed_at=nomenclature.approved_at,
        content_hash=nomenclature.content_hash(),
    )

    text = pdf_text(render_nomenclature(nomenclature))

    stamp = text[: text.index("01-001")]
    assert i_approve() in stamp
    assert "Асанова Айгүл Бакытовна" in stamp
    assert "Директор" in stamp
    assert "15.01.2026" in stamp
    assert "«____»" not in text


@pytest.mark.django_db
def test_nomenclature_pdf_context_counts_the_records_still_kept():
    nomenclature = make_nomenclature(2, sections=1)
    first, second = nomenclature.items.order_by("index")
    for n, status in enumerate([Record.Status.KEPT, Record.Status.DESTROYED]):
        Record.objects.create(
            item=first,
            title=f"Жазуу {n}",
            date=datetime.date(2025, 3, 1),
            medium=Medium.PAPER,
            status=status,
        )

    (section,) = nomenclature_pdf_context(nomenclature)["sections"]

    counts = {item.index: item.record_count for item in section.items_list}
    assert counts == {first.index: 1, second.index: 0}


def _queries_for_context(items: int, *, year: int) -> int:
    """Build ``items`` items, each with its own keeper and two records."""
    nomenclature = make_nomenclature(
        items, sections=3, people=make_people(items), year=year
    )
    Record.objects.bulk_create(
        Record(
            item=item,
            title=f"{item.index} жазуусу {n}",
            date=datetime.date(2025, 1, 10),
            medium=Medium.ELECTRONIC,
        )
        for item in nomenclature.items.all()
        for n in range(2)
    )
    with CaptureQueriesContext(connection) as queries:
        context = nomenclature_pdf_context(nomenclature)
        with translation.override("ky"):
            for section in context["sections"]:
                for item in section.items_list:
                    assert item.record_count == 2
                    str(item.responsible)
    assert sum(len(s.items_list) for s in context["sections"]) == items
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_nomenclature_pdf_context_runs_the_same_queries_for_3_and_300_items():
    few = _queries_for_context(3, year=2025)
    many = _queries_for_context(300, year=2026)

    assert few == many


@pytest.mark.django_db
def test_disposal_act_pdf_lists_its_records_and_their_total(organisation, director):
    nomenclature = make_nomenclature(2, sections=1)
    item = nomenclature.items.order_by("index").first()
    records = [
        Record.objects.create(
            item=item,
            title=f"Семинардын катышуучуларынын тизмеси ң ө ү {year}",
            date=datetime.date(year, 4, 16),
            medium=Medium.PAPER,
            keep_until=item.keep_until(datetime.date(year, 4, 16)),
        )
        for year in (2019, 2020)
    ]
    act = DisposalAct.objects.create(
        number="ЖА-2026-01", date=datetime.date(2026, 11, 20), created_by=director
    )
    act.records.set(records)

    with translation.override("ky"):
        pdf = render_pdf(
            act.pdf_template,
            {
                "object": act,
                "title": str(act),
                "signatures": manifest(act),
                **disposal_act_pdf_context(act),
            },
        )
        total = ngettext(
            "Total: %(counter)s record.", "Total: %(counter)s records.", 2
        ) % {"counter": 2}

    text = pdf_text(pdf)
    assert i_approve() in text
    assert "ЖА-2026-01" in text
    assert "20.11.2026" in text
    assert item.index in text
    for record in records:
        assert record.title in text
        assert record.keep_until.strftime("%d.%m.%Y") in text
    assert total in text


@pytest.mark.django_db
def test_disposal_act_pdf_reads_its_records_without_the_context_builder(
    organisation, director
):
    nomenclature = make_nomenclature(1, sections=1)
    item = nomenclature.items.get()
    record = Record.objects.create(
        item=item,
        title="Камдык көчүрмөлөрдүн журналы, 2019-ж.",
        date=datetime.date(2019, 12, 30),
        medium=Medium.ELECTRONIC,
    )
    act = DisposalAct.objects.create(
        number="ЖА-2026-02", date=datetime.date(2026, 11, 20), created_by=director
    )
    act.records.add(record)

    with translation.override("ky"):
        pdf = render_pdf(act.pdf_template, {"object": act, "signatures": []})

    text = pdf_text(pdf)
    assert record.title in text
    assert item.index in text
