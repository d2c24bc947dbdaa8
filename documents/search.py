"""Searching the register, on SQLite and PostgreSQL alike.

Every document keeps a casefolded ``search_text`` (code, normalised code,
title and the text of the revision in force; see
``Document.build_search_text``). A query is split into casefolded words and
every word must match, in one of three ways:

* the word is in ``search_text`` (``башкаруу``; ``номенклатур`` as a prefix);
* its normalised form is (``ДЖ-01``, ``дж.01`` → ``дж01``);
* its stem is, so a typo near the end of a word is forgiven
  (``документерди`` → ``документ``); codes and numbers have no stem.

The whole query normalised as a code (``ДЖ 01`` → ``дж01``) also matches, so
a code typed with a space finds its document whatever else the words hit.

On PostgreSQL a word of four letters or more also matches when pg_trgm finds
a word of ``search_text`` similar enough (word similarity above 0.4) that
starts with the same three letters, so PostgreSQL forgives a typo anywhere
after them, and a query of words also matches the full-text vector of
``search_text`` (``sapat.search.full_text``, Russian stemming), so PostgreSQL
finds a little more than SQLite; the results come with the titles most
similar to the query first. Migration 0002 creates the extension
and a trigram index, which serves the ``LIKE`` conditions when the planner
finds it cheaper. On SQLite the results keep the queryset's order (the
register's, by code).
"""

from __future__ import annotations

import re

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.db.models.lookups import GreaterThan

from .models.register import normalise_code

#: Word similarity (pg_trgm) above which a word matches on PostgreSQL.
TRIGRAM_THRESHOLD = 0.4
#: What separates the parts of a code (ДЖ-01-Ф-03, РИ 05, ПК.02).
CODE_SEPARATORS = "-–—./_ "
#: At most this many words of a query are used; the rest is ignored.
MAX_TOKENS = 10
#: A word longer than this is cut: nothing in the register is longer.
MAX_TOKEN_LENGTH = 100

_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def search_tokens(q: str) -> list[str]:
    """The casefolded words of ``q``, punctuation at their edges dropped."""
    tokens = []
    for raw in q.casefold().split():
        token = _EDGE_PUNCTUATION.sub("", raw)[:MAX_TOKEN_LENGTH]
        if token and token not in tokens:
            tokens.append(token)
    return tokens[:MAX_TOKENS]


def stem(token: str) -> str:
    """The start of a word that must match when the rest may be mistyped."""
    return token[: max(4, round(len(token) * 0.7))]


def search_documents(queryset: QuerySet, q: str) -> QuerySet:
    """The documents of ``queryset`` matching every word of ``q``.

    ``queryset`` is a queryset of :class:`documents.models.Document`, already
    scoped to what the user may see; an empty or blank ``q`` returns it
    unchanged. On PostgreSQL the result is annotated with ``search_rank`` and
    ordered by it (then by code); elsewhere the queryset's order is kept. The
    words are passed to the database as parameters, never as SQL.
    """
    tokens = search_tokens(q or "")
    if not tokens:
        return queryset
    postgres = connections[queryset.db].vendor == "postgresql"

    condition = Q()
    for token in tokens:
        condition &= _token_condition(token, postgres=postgres)
    whole_code = normalise_code(q)
    if len(tokens) > 1 and any(char.isdigit() for char in whole_code):
        condition |= Q(search_text__contains=whole_code)
    found = None
    if postgres:
        from sapat.search import full_text

        # Another form of a Russian word ("акта" for "акты"), which neither
        # the stems nor the trigrams find in a short word. Migration 0004
        # indexes the vector.
        found = full_text(["search_text"], " ".join(tokens))
        if found is not None:
            condition |= found[0]
    queryset = queryset.filter(condition)

    if not postgres:
        return queryset
    from django.contrib.postgres.search import TrigramWordSimilarity

    # Ranked on the title, which is short: similarity over the whole text of
    # every match would cost as much as the search itself. A document whose
    # title (as in every kind of the global search) or code is the query
    # comes first; the full-text rank counts the words of the whole text.
    rank = Case(
        When(Q(title__iexact=" ".join(q.split())), then=Value(10.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if found is not None:
        rank = rank + found[1]
    for token in tokens:
        rank = rank + TrigramWordSimilarity(token, Lower("title"))
    if any(char.isdigit() for char in whole_code):
        # TRANSLATE and str.upper(), not lower() in SQL: they do not depend
        # on the database's locale.
        queryset = queryset.alias(
            search_code=Func(
                F("code"),
                Value(CODE_SEPARATORS),
                Value(""),
                function="TRANSLATE",
                output_field=CharField(),
            )
        )
        rank = rank + Case(
            When(
                Q(search_code__in=[whole_code, whole_code.upper()]),
                then=Value(10.0),
            ),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return queryset.annotate(search_rank=rank).order_by(
        F("search_rank").desc(), "code", "pk"
    )


def _token_condition(token: str, *, postgres: bool) -> Q:
    # A word's stem is a prefix of it, so whatever contains the word contains
    # the stem. Codes and numbers have no stem: "дж-01" must not find ДЖ-02.
    forms = {stem(token) if token.isalpha() else token, normalise_code(token)}
    forms.discard("")
    # A form that holds another one finds nothing more.
    forms = {form for form in forms if not any(o != form and o in form for o in forms)}
    condition = Q()
    for form in sorted(forms):
        condition |= Q(search_text__contains=form)
    if postgres and token.isalpha() and len(token) >= 4:
        # Trigrams forgive typos in words; on codes they would not ("дж-01"
        # shares half its trigrams with every ДЖ-xx). word_similarity() is
        # costly and no index serves it, so it runs only on the rows holding
        # the word's first three letters: a typo there is not forgiven.
        # django.contrib.postgres need not be installed: its expressions are
        # used, never its lookups.
        from django.contrib.postgres.search import TrigramWordSimilarity

        similar = GreaterThan(
            TrigramWordSimilarity(token, "search_text"), TRIGRAM_THRESHOLD
        )
        condition |= Q(search_text__contains=token[:3]) & Q(similar)
    return condition


def global_search(user, query: str, limit: int):
    """Provider of the portal's global search (:mod:`sapat.search`): the
    documents of the register ``user`` may see, withdrawn ones left out as
    in the register. Two queries."""
    from sapat.search import Hit, count_and_slice

    from .models.register import DocumentStatus
    from .selectors import visible_documents

    queryset = (
        visible_documents(user=user)
        .exclude(status=DocumentStatus.WITHDRAWN)
        .defer("search_text")
        .order_by("code", "pk")
    )
    if not search_tokens(query):
        # Punctuation only ("%", ".*"): search_documents would return all.
        return 0, []
    queryset = search_documents(queryset, query)
    return count_and_slice(
        queryset,
        limit,
        lambda doc: Hit(str(doc), doc.get_absolute_url(), doc.get_status_display()),
    )
