"""How much rendering and signing a PDF costs over bare WeasyPrint.

    DJANGO_SETTINGS_MODULE=sapat.settings.dev python bench/pdf_bench.py [--rows N]

Lays out the same Kyrgyz table (1000 rows unless --rows says otherwise) three
ways: bare WeasyPrint on a plain HTML string (same Noto Sans fonts),
``render_pdf`` (Django template, header, footer, safe fetcher) and
``render_pdf`` + ``sign_pdf``; prints the best of 3 rounds and the ratio to
bare WeasyPrint against the goal of 1.3x. It reports and never fails: tests
do not assert timings (STYLE.md, rule 17).

Needs a migrated database (``signing_init`` reads the organisation profile).
The signing key is made in a temporary folder, never in var/keys.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from html import escape
from io import BytesIO, StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1000
RUNS = 3
GOAL = 1.3


def best_of(runs: int, steps: dict) -> tuple[dict[str, float], dict]:
    """The shortest wall time of each step over ``runs`` rounds, and its result.

    The steps run in turn within each round, so a busy machine slows them all
    alike rather than whichever happened to run at the wrong moment.
    """
    best = dict.fromkeys(steps, float("inf"))
    results = {}
    for _ in range(runs):
        for name, work in steps.items():
            start = time.perf_counter()
            results[name] = work()
            best[name] = min(best[name], time.perf_counter() - start)
    return best, results


def table_rows(count: int) -> list[list[str]]:
    return [
        [
            f"ДЖ-{n:04d}",
            f"Өндүрүштүк көңүл буруу: сапаттын үзгүлтүксүз өнүгүүсү, жазуу № {n}",
            "Күчүндө" if n % 3 else "Өзгөртүлүүдө",
        ]
        for n in range(1, count + 1)
    ]


def bare_html(title: str, columns: list[str], rows: list[list[str]]) -> str:
    fonts = ROOT / "static" / "fonts"
    head = "".join(f"<th>{escape(c)}</th>" for c in ["#", *columns])
    body = "".join(
        f"<tr><td>{n}</td>{''.join(f'<td>{escape(c)}</td>' for c in row)}</tr>"
        for n, row in enumerate(rows, start=1)
    )
    return f"""<!DOCTYPE html><html lang="ky"><head><meta charset="utf-8">
<style>
@font-face {{ font-family: "Noto Sans"; font-weight: 400;
  src: url("{(fonts / "NotoSans-Regular.ttf").as_uri()}"); }}
@font-face {{ font-family: "Noto Sans"; font-weight: 700;
  src: url("{(fonts / "NotoSans-Bold.ttf").as_uri()}"); }}
@page {{ size: A4; margin: 30mm 18mm 22mm 20mm; }}
html {{ font-family: "Noto Sans"; font-size: 10pt; }}
table {{ width: 100%; border-collapse: collapse; font-size: 9pt; }}
th, td {{ padding: 1.4mm 2mm; border-bottom: 0.4pt solid #c8ced6; text-align: left; }}
</style></head><body><h1>{escape(title)}</h1>
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="table rows")
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
    from django.utils import translation
    from pypdf import PdfReader
    from weasyprint import HTML

    from sapat.accounts.models import OrganisationProfile
    from sapat.signing.pdf import render_pdf, sign_pdf, verify_pdf

    # Settings win over the environment in sapat.signing.conf.
    settings.SIGNING_KEY_PATH = key_path
    settings.SIGNING_CERT_PATH = cert_path
    try:
        call_command("signing_init", stdout=StringIO())
        organisation = OrganisationProfile.load()
    except DatabaseError as exc:
        sys.exit(f"The database is not ready ({exc}); run `make migrate` first.")

    translation.activate("ky")
    title = "Документтердин реестри"
    columns = ["Коду", "Аталышы", "Абалы"]
    rows = table_rows(args.rows)
    context = {
        "organisation": organisation,
        "title": title,
        "columns": columns,
        "rows": rows,
        "document_code": "ДЖ-01-Ф-03",
        "revision": 1,
        "controlled": True,
    }
    bare = bare_html(title, columns, rows)

    def render():
        return render_pdf("pdf/register.html", context)

    def render_and_sign():
        return sign_pdf(render(), reason="Бекитилди", location="Бишкек")

    rendered = render()
    signed = render_and_sign()
    steps = {
        "bare WeasyPrint": lambda: HTML(string=bare).write_pdf(),
        "render_pdf": render,
        "render_pdf + sign_pdf": render_and_sign,
        "sign_pdf alone": lambda: sign_pdf(rendered, reason="Бекитилди"),
        "verify_pdf": lambda: verify_pdf(signed),
    }
    seconds, results = best_of(args.runs, steps)
    t_bare, bare_pdf = seconds["bare WeasyPrint"], results["bare WeasyPrint"]
    check = results["verify_pdf"]

    pages = len(PdfReader(BytesIO(signed)).pages)
    print(
        f"PDF benchmark: {args.rows} rows, {pages} pages, {len(signed) // 1024} KiB "
        f"signed ({len(bare_pdf) // 1024} KiB bare); best of {args.runs} runs"
    )
    print(f"{'step':<28}{'seconds':>10}{'× bare':>10}")
    for name, taken in seconds.items():
        print(f"{name:<28}{taken:>10.3f}{taken / t_bare:>9.2f}×")
    ratio = seconds["render_pdf + sign_pdf"] / t_bare
    verdict = "within" if ratio <= GOAL else "over"
    print(f"goal: render_pdf + sign_pdf ≤ {GOAL}× bare: {ratio:.2f}× ({verdict})")
    print(f"signed PDF verifies: {check.ok}")
    keys.cleanup()


if __name__ == "__main__":
    main()
