"""Kyrgyz and Russian are complete: every msgid of ours is translated.

The catalogues are re-extracted from a copy of the source, so a string added
in code without ``make messages`` fails here too, not only an empty msgstr.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ky", "ru")
SOURCES = [
    "manage.py",
    "sapat",
    "documents",
    "records",
    "capa",
    "audits",
    "projects",
    "training",
    "suppliers",
    "satisfaction",
    "templates",
    "locale",
]
# Codes and proper names that read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"Sapat", "HTML", "E-mail", "KPI", "NPS"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, polib.POFile]:
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source,
                copy / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
            )
        else:
            shutil.copy2(source, copy / name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sapat.settings.test"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-location",
            "--no-obsolete",
            *[f"--locale={lang}" for lang in LANGUAGES],
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return {
        lang: polib.pofile(str(copy / "locale" / lang / "LC_MESSAGES" / "django.po"))
        for lang in LANGUAGES
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_is_translated(extracted, language):
    catalogue = extracted[language]
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    assert not missing, f"{len(missing)} untranslated in {language}: {missing[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_fuzzy(extracted, language):
    fuzzy = [e.msgid for e in extracted[language].fuzzy_entries()]
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_the_english_source(extracted, language):
    same = [
        e.msgid
        for e in extracted[language].translated_entries()
        if e.msgstr == e.msgid
        and e.msgid not in SAME_IN_EVERY_LANGUAGE
        # A pure format ("%(code)s: %(reason)s") has no words to translate;
        # it is translatable for languages that punctuate differently.
        and re.search(r"[^\W\d_]", PLACEHOLDER.sub("", e.msgid))
    ]
    assert not same, f"copied from English in {language}: {same[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(extracted, language):
    broken = []
    for entry in extracted[language].translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        broken += [
            entry.msgid
            for form in forms
            if sorted(PLACEHOLDER.findall(form)) != wanted and not entry.msgid_plural
        ]
        if entry.msgid_plural:
            names = set(PLACEHOLDER.findall(entry.msgid_plural))
            broken += [
                entry.msgid for form in forms if set(PLACEHOLDER.findall(form)) - names
            ]
    assert not broken, f"placeholders differ in {language}: {broken[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalogue_is_compiled(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), "run make compilemessages"
    assert mo.stat().st_mtime >= po.stat().st_mtime - 1
