"""Nonconformities and actions in the portal's global search.

Their numbers (``NC-2026-003``, ``CA-2026-001``) are shown, not stored: a
query that reads as one is looked up in the year and sequence fields
(:func:`sapat.search.number_condition`), the prefix in any language.
"""

from __future__ import annotations

from django.db.models import Q

from sapat.search import (
    Hit,
    count_and_slice,
    matching,
    number_condition,
    translations,
)

from .models import ACTION_PREFIXES, NONCONFORMITY_PREFIX
from .selectors import visible_actions, visible_nonconformities

#: Searched fields, the title first; the local ones in the order of the
#: full-text index (migration 0004).
NONCONFORMITY_FIELDS = ["description"]
ACTION_FIELDS = ["title", "description"]


def search_nonconformities(user, query: str, limit: int):
    prefixes = {prefix: Q() for prefix in translations(NONCONFORMITY_PREFIX)}
    queryset = matching(
        visible_nonconformities(user=user),
        query,
        NONCONFORMITY_FIELDS,
        also=number_condition(query, prefixes),
        order=("-year", "-seq"),
    )
    return count_and_slice(
        queryset,
        limit,
        lambda nc: Hit(str(nc), nc.get_absolute_url(), nc.get_status_display()),
    )


def search_actions(user, query: str, limit: int):
    prefixes = {
        prefix: Q(kind=kind)
        for kind, label in ACTION_PREFIXES.items()
        for prefix in translations(label)
    }
    queryset = matching(
        visible_actions(user=user),
        query,
        ACTION_FIELDS,
        also=number_condition(query, prefixes),
        order=("-year", "-seq"),
    )
    return count_and_slice(
        queryset,
        limit,
        lambda action: Hit(
            str(action), action.get_absolute_url(), action.get_status_display()
        ),
    )
