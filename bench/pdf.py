"""PDF part of ``make bench``: the signed nomenclature of files over bare
WeasyPrint.

Builds in memory (unsaved model instances, nothing written) an approved
nomenclature with 1000 items in 10 sections, a register of documents in force
and the signatures of its approval route, renders
``pdf/records/nomenclature.html`` to HTML once, and lays out that same HTML
two ways: bare WeasyPrint (its stylesheets inlined, fonts as file:// URLs,
WeasyPrint's own fetcher) and ``render_pdf`` + ``sign_pdf`` (Django template,
safe fetcher, PAdES signature), in turn, three rounds. The goal is 1.3x.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

GOAL = 1.3
RUNS = 3
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


def measure(*, items: int = ITEMS, sections: int = SECTIONS, runs: int = RUNS) -> dict:
    """Seconds of bare WeasyPrint and of ``render_pdf`` + ``sign_pdf`` on the
    same nomenclature HTML, each the best and median of ``runs`` rounds.

    Needs django set up on a migrated database with a signing key
    (``signing_init``): ``bench/run.py`` gives it both.
    """
    import statistics

    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation
    from pypdf import PdfReader
    from weasyprint import HTML

    from sapat.signing.pdf import qr_data_uri, render_pdf, sign_pdf, verify_pdf

    # The signing pipeline renders in the organisation's language.
    translation.activate(settings.LANGUAGE_CODE)
    template = "pdf/records/nomenclature.html"
    context = nomenclature_context(items, sections)
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
    seconds: dict[str, list[float]] = {name: [] for name in steps}
    results = {}
    for _ in range(runs):
        # In turn within each round, so a busy moment slows both alike.
        for name, work in steps.items():
            start = time.perf_counter()
            results[name] = work()
            seconds[name].append(time.perf_counter() - start)
    signed = results["render_pdf + sign_pdf"]
    reader = PdfReader(BytesIO(signed))
    best = {name: min(values) for name, values in seconds.items()}
    return {
        "rows": items,
        "pages": len(reader.pages),
        "runs": runs,
        "signed_kib": len(signed) // 1024,
        "verifies": verify_pdf(signed).ok,
        "best_s": best,
        "median_s": {n: statistics.median(v) for n, v in seconds.items()},
        "ratio": best["render_pdf + sign_pdf"] / best["bare WeasyPrint"],
        "goal": GOAL,
    }
