"""Global search: one box in the navbar, results grouped by kind.

Each app registers a provider for the kinds of objects it holds, so this
module never imports the apps::

    search.register("record", _("Records"), search_records,
                    list_url=("records:record_list", "q"))

A provider is called as ``provider(user, query, limit)`` with a query already
cut to :data:`MAX_QUERY_LENGTH` and returns ``(count, rows)``: how many
objects ``user`` may see match, and the first ``limit`` of them as
:class:`Hit`. It must scope to what ``user`` may see in SQL (the app's own
visibility selector), so nothing else is returned or counted, and take a
fixed number of queries (a count and a slice), whatever the number of rows.

:func:`matching` is the one place that knows the database: a provider gives
it the visible queryset, the query and the fields to search, and gets the
matching rows, best first. A row matches when

* every word of the query appears in one of the fields, case-insensitively,
  Cyrillic included (``LIKE``; on SQLite, which folds ASCII only, the usual
  spellings of each word are searched);
* on PostgreSQL, also when the query, made of words only (letters and
  digits), matches the row's full-text vector (:data:`FULL_TEXT_CONFIG`),
  or when a word of five letters or more is close to a word of the fields
  (pg_trgm word similarity above :data:`TRIGRAM_THRESHOLD`: a mistyped
  letter anywhere in a word of seven letters, near its ends in a shorter
  one), among the rows holding its first or its last three letters;
* or the provider's own condition holds (``also``: a number such as
  ``NC-2026-003`` read by :func:`number_condition`, a tracking code).

Rows whose first field is the query, or which match ``also``, come first;
then, on PostgreSQL, the closest (full-text rank plus word similarity to the
first field). The words go to the database as parameters, never as SQL; the
``%`` and ``_`` of ``LIKE`` are escaped by Django and the full-text query is
built with ``plainto_tsquery``, which reads ``&|!():*`` as plain text, so
SQL, regex and tsquery metacharacters are searched for literally.

:class:`SearchIndexes` is the migration operation that gives a model the
indexes these conditions use on PostgreSQL (and does nothing elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.migrations.operations.base import Operation
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.lookups import GreaterThan
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import urlencode

#: A longer query is cut to this many characters.
MAX_QUERY_LENGTH = 100
#: At most this many words of a query are used.
MAX_WORDS = 8
#: Hits shown per kind.
DEFAULT_LIMIT = 5
#: Text search configuration of the full-text vectors and queries on
#: PostgreSQL. There is no Kyrgyz one. ``simple`` only lower-cases, so every
#: row it finds is found by ``LIKE`` already; ``russian`` also stems, so
#: «документов» finds «документы» and «аудита» «аудит», which neither
#: ``LIKE`` nor the trigrams (too short a word) do. On Kyrgyz text it cuts
#: the Russian-looking endings of both the row and the query alike, so it
#: loses nothing: every row is also searched by ``LIKE``.
FULL_TEXT_CONFIG = "russian"
#: Word similarity (pg_trgm) above which a word matches despite a typo.
TRIGRAM_THRESHOLD = 0.4
#: Shorter words are not forgiven typos: too many words are near them.
TYPO_MIN_LENGTH = 5
#: Rank given to a row whose first field is the query, or which matches the
#: provider's own condition (a number): above any similarity.
EXACT_RANK = 10.0


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    detail: str = ""


Provider = Callable[[object, str, int], tuple[int, list[Hit]]]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    provider: Provider
    order: int = 100
    #: (URL name, GET parameter) of the app's own list searched by the query.
    list_url: tuple[str, str] | None = None


@dataclass
class Group:
    kind: Kind
    count: int
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""

    @property
    def label(self) -> str:
        return self.kind.label


_KINDS: dict[str, Kind] = {}


def register(
    kind: str,
    label,
    provider: Provider,
    *,
    order: int = 100,
    list_url: tuple[str, str] | None = None,
) -> None:
    """Register (or replace) the provider of ``kind``; idempotent."""
    _KINDS[kind] = Kind(kind, label, provider, order=order, list_url=list_url)


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.key))


def clean_query(raw: str | None) -> str:
    """The query as searched: control characters (NUL, which PostgreSQL
    refuses in text) dropped, whitespace collapsed, cut to the maximum."""
    text = (raw or "")[: MAX_QUERY_LENGTH * 4]
    text = "".join(char if char.isprintable() else " " for char in text)
    words = text.split()
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


def words_of(query: str) -> list[str]:
    words: list[str] = []
    for word in query.split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def _variants(word: str, *, postgres: bool) -> set[str]:
    # PostgreSQL's ILIKE folds Cyrillic; SQLite's LIKE folds ASCII only, so
    # the usual spellings of the word are searched as well.
    if postgres:
        return {word}
    return {word, word.casefold(), word.lower(), word.capitalize(), word.upper()}


def _is_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def text_condition(queryset: QuerySet, query: str, fields: Iterable[str]) -> Q:
    """Every word of ``query`` in one of ``fields``, case-insensitively,
    Cyrillic included, on PostgreSQL and SQLite alike."""
    postgres = _is_postgres(queryset)
    fields = list(fields)
    condition = Q()
    for word in words_of(query):
        any_field = Q()
        for variant in _variants(word, postgres=postgres):
            for name in fields:
                any_field |= Q(**{f"{name}__icontains": variant})
        condition &= any_field
    return condition


class _Matches(Func):
    """``vector @@ query``, usable in ``filter()`` without
    django.contrib.postgres in INSTALLED_APPS (its lookups are not
    registered then; its expressions work)."""

    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()


def full_text(fields: list[str], query: str):
    """``(condition, rank)`` of the full-text match of ``query`` on
    ``fields`` on PostgreSQL (:data:`FULL_TEXT_CONFIG`), or None when the
    query is not made of words only: the parser drops punctuation, so
    "100%" would find "100". The vector is the expression of the index
    :class:`SearchIndexes` makes on the same fields, in the same order."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    words = words_of(query)
    if not words or not all(word.isalnum() for word in words):
        return None
    vector = SearchVector(*fields, config=FULL_TEXT_CONFIG)
    tsquery = SearchQuery(" ".join(words), config=FULL_TEXT_CONFIG, search_type="plain")
    return Q(_Matches(vector, tsquery)), SearchRank(vector, tsquery)


def _typo_condition(word: str, fields: list[str]) -> Q:
    """``word`` close to a word of one of ``fields``. word_similarity() has
    no index, so it runs only on the rows holding the word's first or last
    three letters (which the trigram indexes find); a typo is forgiven
    anywhere but in both at once."""
    from django.contrib.postgres.search import TrigramWordSimilarity

    condition = Q()
    for name in fields:
        near = Q(**{f"{name}__icontains": word[:3]}) | Q(
            **{f"{name}__icontains": word[-3:]}
        )
        similar = GreaterThan(TrigramWordSimilarity(word, name), TRIGRAM_THRESHOLD)
        condition |= near & Q(similar)
    return condition


def _local(fields: list[str]) -> list[str]:
    return [name for name in fields if "__" not in name]


def matching(
    queryset: QuerySet,
    query: str,
    fields: Iterable[str],
    *,
    also: Q | None = None,
    order: Iterable[str] = ("-pk",),
) -> QuerySet:
    """The rows of ``queryset`` matching ``query`` (see the module's
    docstring), best first, then by ``order``.

    ``queryset`` is already scoped to what the user may see: this only
    narrows it. ``fields`` are the fields searched, the first being the
    row's title; the full-text vector (and its index, see
    :class:`SearchIndexes`) covers those of the model itself, not those
    reached through a relation (``client__name``), which ``LIKE`` and the
    trigrams still search. ``also`` is a further condition that is enough
    on its own. The rank is an alias: ``count()`` does not compute it.
    """
    postgres = _is_postgres(queryset)
    fields = list(fields)
    words = words_of(query)
    condition = text_condition(queryset, query, fields)
    title = fields[0]
    if postgres:
        exact = Q(**{f"{title}__iexact": query})
    else:
        exact = Q(**{f"{title}__in": sorted(_variants(query, postgres=False))})
    rank = Case(
        When(exact, then=Value(EXACT_RANK)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if postgres:
        from django.contrib.postgres.search import TrigramWordSimilarity

        typos = [
            word for word in words if word.isalpha() and len(word) >= TYPO_MIN_LENGTH
        ]
        if typos:
            condition = Q()
            for word in words:
                word_condition = text_condition(queryset, word, fields)
                if word in typos:
                    word_condition |= _typo_condition(word, fields)
                condition &= word_condition
        local = _local(fields)
        found = full_text(local, query) if local else None
        if found is not None:
            condition |= found[0]
            rank = rank + found[1]
        for word in typos:
            rank = rank + TrigramWordSimilarity(word, title)
    if also is not None:
        condition |= also
        rank = rank + Case(
            When(also, then=Value(EXACT_RANK)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return (
        queryset.filter(condition)
        .alias(search_rank=rank)
        .order_by(F("search_rank").desc(), *order)
    )


def translations(text) -> set[str]:
    """``text`` (a lazy string) in every language of the portal, casefolded:
    a code prefix may be typed in any of them."""
    found = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(text).casefold())
    return found


_NUMBER = re.compile(
    r"^(?:(?P<prefix>[^\W\d_]{1,4})\s*[-–—./]?\s*)?"
    r"(?:(?P<year>\d{4})\s*[-–—./ ]\s*)?"
    r"(?P<seq>\d{1,4})$"
)


def number_condition(
    query: str,
    prefixes: Mapping[str, Q],
    *,
    year: str = "year",
    seq: str = "seq",
) -> Q | None:
    """The objects numbered as ``query`` says, or None when it is no number.

    Numbers are shown as ``PREFIX-YEAR-SEQ`` (``NC-2026-003``) but stored as
    the year and the sequence: ``NC-2026-003``, ``nc 2026/3``, ``2026-003``
    and ``003`` are read into those fields, so an index serves the look-up
    and the number is found in whichever language its prefix is shown.
    ``prefixes`` maps each casefolded prefix the objects may have to what it
    says about them (``Q()`` when all share it, ``Q(kind=...)`` when the
    prefix tells the kind); a prefix not in it is no number of these objects.
    """
    found = _NUMBER.match(query.strip())
    if found is None:
        return None
    condition = Q(**{seq: int(found["seq"])})
    if found["year"]:
        condition &= Q(**{year: int(found["year"])})
    if found["prefix"]:
        kind = prefixes.get(found["prefix"].casefold())
        if kind is None:
            return None
        condition &= kind
    return condition


class SearchIndexes(Operation):
    """Migration operation: on PostgreSQL, the indexes :func:`matching` uses
    on ``model``'s ``fields``; nothing on another database.

    One GIN trigram index per field on ``UPPER(field)``, the expression of
    Django's ``icontains`` (so ``LIKE '%word%'`` and the typo prefilter use
    it), and one GIN index on the full-text vector of all the fields, the
    very expression :func:`full_text` builds. ``trigram=False`` leaves out
    the trigram indexes (for a model searched otherwise). The pg_trgm
    extension is created if missing, and left in place on reversal.
    """

    reversible = True
    reduces_to_sql = False

    def __init__(self, model_name: str, fields: list[str], *, trigram: bool = True):
        self.model_name = model_name
        self.fields = list(fields)
        self.trigram = trigram

    def deconstruct(self):
        kwargs = {} if self.trigram else {"trigram": False}
        return (self.__class__.__qualname__, [self.model_name, self.fields], kwargs)

    def describe(self) -> str:
        return f"Search indexes on {self.model_name} ({', '.join(self.fields)})"

    def state_forwards(self, app_label, state):
        pass

    def _names(self, model) -> tuple[list[tuple[str, str]], str]:
        table = model._meta.db_table
        trigram = [
            (f"{table}_{name}_trgm"[:63], model._meta.get_field(name).column)
            for name in (self.fields if self.trigram else [])
        ]
        return trigram, f"{table}_fts"[:63]

    def _vector_index(self, model, name: str):
        from django.contrib.postgres.indexes import GinIndex
        from django.contrib.postgres.search import SearchVector

        return GinIndex(SearchVector(*self.fields, config=FULL_TEXT_CONFIG), name=name)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        quote = schema_editor.quote_name
        table = quote(model._meta.db_table)
        trigram, vector = self._names(model)
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # By hand: Django's OpClass needs django.contrib.postgres installed
        # to be rendered inside an index expression.
        for name, column in trigram:
            schema_editor.execute(
                f"CREATE INDEX {quote(name)} ON {table} "
                f"USING gin ((UPPER({quote(column)}::text)) gin_trgm_ops)"
            )
        schema_editor.add_index(model, self._vector_index(model, vector))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        trigram, vector = self._names(model)
        for name in [name for name, _column in trigram] + [vector]:
            schema_editor.execute(
                f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}"
            )


def count_and_slice(
    queryset: QuerySet, limit: int, hit: Callable[[object], Hit]
) -> tuple[int, list[Hit]]:
    """The provider's two queries: the count, then the first ``limit``."""
    count = queryset.count()
    if not count:
        return 0, []
    return count, [hit(obj) for obj in queryset[:limit]]


def search(user, raw_query: str, *, limit: int = DEFAULT_LIMIT) -> list[Group]:
    """The groups with at least one hit, in the registry's order."""
    query = clean_query(raw_query)
    if not query or user is None or not user.is_authenticated:
        return []
    groups = []
    for kind in kinds():
        count, hits = kind.provider(user, query, limit)
        if count:
            groups.append(
                Group(kind, count, hits[:limit], _more_url(kind, query) or "")
            )
    return groups


def _more_url(kind: Kind, query: str) -> str:
    if kind.list_url is None:
        return ""
    name, param = kind.list_url
    try:
        return f"{reverse(name)}?{urlencode({param: query})}"
    except NoReverseMatch:
        return ""
