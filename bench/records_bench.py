"""What the signed nomenclature of files costs over bare WeasyPrint.

    DJANGO_SETTINGS_MODULE=sapat.settings.dev python bench/records_bench.py \
        [--items 1000] [--sections 10] [--runs 3]

Builds in memory (unsaved model instances, nothing written) an approved
nomenclature with 1000 items in 10 sections, a register of documents in force
and the signatures of its approval route, renders
``pdf/records/nomenclature.html`` to HTML once, and lays out that same HTML
two ways: bare WeasyPrint (its stylesheets inlined, fonts as file:// URLs,
WeasyPrint's own fetcher) and ``render_pdf`` + ``sign_pdf`` (Django template,
safe fetcher, PAdES signature). Prints the best of 3 rounds, the ratio to bare
WeasyPrint against the goal of 1.3x, and whether the signed PDF verifies
(``verify_pdf``). It reports and never fails: tests do not assert timings
(STYLE.md, rule 17).

Needs a migrated database (``signing_init`` reads the organisation profile).
The signing key is made in a temporary folder, never in var/keys.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from io import BytesIO, StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from pdf_bench import GOAL, RUNS, best_of  # noqa: E402

ITEMS = 1000
SECTIONS = 10
DOCUMENTS = 20

UNITS = [
    "Дирекция",
    "Уюштуруучулар кеңеши",
    "Аккредитация бөлүмү",
    "Окутуу борбору",
    "Сапат кызматы",
    "Административдик кызмат",
    "IT кызматы",
    "Коомчулук менен байланыш",
    "Долбоорлор бөлүмү",
    "Эксперттик кеңеш",
]
SUBJECTS = [
    "Өзүн өзү баалоо боюнча отчеттор",
    "Эксперттик комиссиянын корутундулары",
    "Семинарлардын катышуучуларынын тизмелери",
    "Ички аудиттердин отчеттору",
    "Керектөөчүлөрдүн даттануулары жана сунуштары",
    "Жетекчилик тарабынан анализдөөнүн протоколдору",
    "Тууралоочу аракеттердин пландары",
    "Камдык көчүрмөлөрдүн журналы",
]
POSTS = ["Сапат боюнча менеджер", "Офис менеджер", "Аккредитация боюнча референт"]

# <link rel="stylesheet" href="/static/css/pdf.css"> as {% static %} writes it.
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<href>[^"]+)">')
CSS_URL = re.compile(r'url\("(?P<href>/static/[^"]+)"\)')


def nomenclature_context(items: int, sections: int) -> dict:
    """The context the signing pipeline gives the template, built unsaved."""
    from documents.models import Document, DocumentRevision
    from documents.models.register import DocumentType
    from documents.register_list import RegisterRow
    from records.models import Medium, Nomenclature, NomenclatureItem, Retention
    from records.models import Section as NomenclatureSection
    from sapat.accounts.models import OrganisationProfile, User
    from sapat.signing.models import Meaning, Signature

    people = [
        User(pk=n, username=f"user{n}", full_name=f"Мамбетова Гүлнара {n}", post=post)
        for n, post in enumerate(POSTS, start=1)
    ]
    director = User(
        pk=99, username="director", full_name="Асанова Айгүл Бакытовна", post="Директор"
    )
    nomenclature = Nomenclature(
        pk=1,
        year=2026,
        approval_status="approved",
        approved_at=datetime(2026, 1, 15, 4, tzinfo=UTC),
    )
    section_list = []
    per_section = -(-items // sections)
    for s in range(sections):
        section = NomenclatureSection(
            nomenclature=nomenclature,
            code=f"{s + 1:02d}",
            title=UNITS[s % len(UNITS)],
            order=s,
        )
        section.items_list = []
        for n in range(min(per_section, items - s * per_section)):
            kind = [Retention.YEARS, Retention.PERMANENT, Retention.UNTIL_REPLACED][
                n % 3
            ]
            item = NomenclatureItem(
                nomenclature=nomenclature,
                section=section,
                index=f"{s + 1:02d}-{n + 1:03d}",
                title=f"{SUBJECTS[n % len(SUBJECTS)]} (ң ө ү), {n + 1}-том",
                retention_kind=kind,
                retention_years=5 if kind == Retention.YEARS else None,
                legal_basis=f"Типтүү тизме, {100 + n}-бер.",
                storage_place=f"\\\\server\\qms\\{s + 1:02d}-{n + 1:03d}",
                medium=[Medium.ELECTRONIC, Medium.PAPER, Medium.BOTH][n % 3],
                responsible=people[n % len(people)],
                notes="ЭТК текшергенден кийин" if n % 4 == 0 else "",
                restricted=n % 10 == 0,
            )
            item.record_count = n % 7
            section.items_list.append(item)
        section_list.append(section)

    register_rows = []
    for n in range(1, DOCUMENTS + 1):
        document = Document(
            code=f"ДЖ-{n:02d}",
            title=f"Документтештирилген жол-жобо № {n}",
            doc_type=DocumentType.PROCEDURE,
            next_review=date(2027, 1, 1) + timedelta(days=n),
        )
        revision = DocumentRevision(number=1, effective_date=date(2026, 1, 15))
        register_rows.append(
            RegisterRow(
                document=document,
                revision=revision,
                paper_copies_issued=n % 3,
                paper_copies_withdrawn=0,
                review_state="ok",
            )
        )

    signed_at = datetime(2026, 1, 15, 4, tzinfo=UTC)
    signatures = [
        Signature(
            signer=signer,
            signer_name=signer.full_name,
            signer_post=signer.post,
            meaning=meaning,
            signed_at=signed_at,
            object_version=1,
            content_hash="0" * 64,
        )
        for signer, meaning in [
            (people[0], Meaning.AGREED),
            (people[1], Meaning.AGREED),
            (director, Meaning.APPROVED),
        ]
    ]
    organisation = OrganisationProfile(
        pk=1,
        name_ky="«Сапаттуу билим» аккредитациялоо агенттиги",
        short_name="Сапаттуу билим",
        director=director,
    )
    return {
        "object": nomenclature,
        "title": str(nomenclature),
        "signatures": signatures,
        "verify_url": "https://sapat.example/verify/ABCD-2345/",
        "verify_code": "ABCD-2345",
        "document_code": nomenclature.document_code,
        "revision": 1,
        "controlled": True,
        "organisation": organisation,
        "sections": section_list,
        "register_rows": register_rows,
    }


def bare_html(html: str) -> str:
    """``html`` standing on its own: stylesheets inlined, fonts as file:// URLs.

    Bare WeasyPrint then lays out the same markup and styles with its own
    fetcher, without Django's template or the portal's safe fetcher.
    """
    from django.contrib.staticfiles import finders

    def local(href: str) -> Path:
        return Path(finders.find(href.removeprefix("/static/")))

    def inline(match: re.Match) -> str:
        css = local(match["href"]).read_text(encoding="utf-8")
        css = CSS_URL.sub(lambda m: f'url("{local(m["href"]).as_uri()}")', css)
        return f"<style>{css}</style>"

    return STYLESHEET.sub(inline, html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=ITEMS, help="nomenclature items")
    parser.add_argument("--sections", type=int, default=SECTIONS, help="sections")
    parser.add_argument("--runs", type=int, default=RUNS, help="rounds, best kept")
    args = parser.parse_args()

    keys = tempfile.TemporaryDirectory(prefix="sapat-bench-keys-")
    key_path = Path(keys.name) / "signing-key.pem"
    cert_path = Path(keys.name) / "signing-cert.pem"
    os.environ["SIGNING_KEY_PATH"] = str(key_path)
    os.environ["SIGNING_CERT_PATH"] = str(cert_path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapat.settings.dev")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import DatabaseError
    from django.template.loader import render_to_string
    from django.utils import translation
    from pypdf import PdfReader
    from weasyprint import HTML

    from sapat.signing.pdf import qr_data_uri, render_pdf, sign_pdf, verify_pdf

    # Settings win over the environment in sapat.signing.conf.
    settings.SIGNING_KEY_PATH = key_path
    settings.SIGNING_CERT_PATH = cert_path
    try:
        call_command("signing_init", stdout=StringIO())
    except DatabaseError as exc:
        sys.exit(f"The database is not ready ({exc}); run `make migrate` first.")

    # The signing pipeline renders in the organisation's language.
    translation.activate(settings.LANGUAGE_CODE)
    template = "pdf/records/nomenclature.html"
    context = nomenclature_context(args.items, args.sections)
    # What render_pdf adds, so that both sides lay out the very same HTML.
    html = render_to_string(
        template, {**context, "verify_qr": qr_data_uri(context["verify_url"])}
    )
    bare = bare_html(html)

    def render_and_sign():
        return sign_pdf(render_pdf(template, context), reason="Бекитилди")

    steps = {
        "bare WeasyPrint": lambda: HTML(string=bare).write_pdf(),
        "render_pdf + sign_pdf": render_and_sign,
    }
    seconds, results = best_of(args.runs, steps)
    signed = results["render_pdf + sign_pdf"]
    check = verify_pdf(signed)
    t_bare = seconds["bare WeasyPrint"]

    reader = PdfReader(BytesIO(signed))
    box = reader.pages[0].mediabox
    orientation = "landscape" if box.width > box.height else "portrait"
    print(
        f"Nomenclature benchmark: {args.items} items in {args.sections} sections, "
        f"{len(context['register_rows'])} documents; {len(reader.pages)} "
        f"{orientation} pages, {len(signed) // 1024} KiB signed "
        f"({len(results['bare WeasyPrint']) // 1024} KiB bare); "
        f"best of {args.runs} runs"
    )
    print(f"{'step':<28}{'seconds':>10}{'× bare':>10}")
    for name, taken in seconds.items():
        print(f"{name:<28}{taken:>10.3f}{taken / t_bare:>9.2f}×")
    ratio = seconds["render_pdf + sign_pdf"] / t_bare
    verdict = "within" if ratio <= GOAL else "over"
    print(f"goal: render_pdf + sign_pdf ≤ {GOAL}× bare: {ratio:.2f}× ({verdict})")
    print(
        f"signed PDF verifies: {check.ok} (intact {check.intact}, by us "
        f"{check.by_us}, covers the whole file {check.covers_whole_file})"
    )
    keys.cleanup()


if __name__ == "__main__":
    main()
