"""The records' part of the portal's global search (:mod:`sapat.search`).

A record has no number of its own: its file index (``02-05``, stored on the
nomenclature item) is searched as text.
"""

from __future__ import annotations

from sapat.search import Hit, count_and_slice, matching

from .selectors import visible_records

#: Searched fields, the title first; the local ones in the order of the
#: full-text index (migration 0002).
RECORD_FIELDS = ["title", "item__index"]


def search_records(user, query: str, limit: int):
    """Records ``user`` may see whose title or file index holds every word."""
    queryset = matching(
        visible_records(user=user).select_related("item"),
        query,
        RECORD_FIELDS,
        order=("-date", "-pk"),
    )
    return count_and_slice(
        queryset,
        limit,
        lambda record: Hit(
            record.title,
            record.get_absolute_url(),
            f"{record.item.index} · {record.date:%d.%m.%Y}",
        ),
    )
