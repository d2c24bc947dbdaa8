"""The records' part of the portal's global search (:mod:`sapat.search`)."""

from __future__ import annotations

from sapat.search import Hit, count_and_slice, text_condition

from .selectors import visible_records


def search_records(user, query: str, limit: int):
    """Records ``user`` may see whose title or file index holds every word."""
    queryset = visible_records(user=user)
    queryset = (
        queryset.filter(text_condition(queryset, query, ["title", "item__index"]))
        .select_related("item")
        .order_by("-date", "-pk")
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
