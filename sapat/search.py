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

:func:`text_condition` builds the text match every provider uses: every word
of the query must appear in one of the fields. The words go to the database
as parameters of ``LIKE``, whose ``%`` and ``_`` Django escapes, so SQL and
regex metacharacters are searched for literally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

#: A longer query is cut to this many characters.
MAX_QUERY_LENGTH = 100
#: At most this many words of a query are used.
MAX_WORDS = 8
#: Hits shown per kind.
DEFAULT_LIMIT = 5


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


def text_condition(queryset: QuerySet, query: str, fields: Iterable[str]) -> Q:
    """Every word of ``query`` in one of ``fields``, case-insensitively,
    Cyrillic included, on PostgreSQL and SQLite alike."""
    postgres = connections[queryset.db].vendor == "postgresql"
    fields = list(fields)
    condition = Q()
    for word in words_of(query):
        any_field = Q()
        for variant in _variants(word, postgres=postgres):
            for name in fields:
                any_field |= Q(**{f"{name}__icontains": variant})
        condition &= any_field
    return condition


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
