"""Feedback in the portal's global search.

Scoped by :func:`satisfaction.selectors.visible_feedback`: the holders of the
view permission see all feedback, the director complaints and claims, anyone
else only the items assigned to them. A tracking code, typed in any of its
shapes (``abcd-efgh 2345``), finds its item among those.
"""

from __future__ import annotations

from django.db.models import Q

from sapat.search import Hit, count_and_slice, matching

from .selectors import visible_feedback
from .services import normalise_code

#: Searched fields, the title first, in the order of the full-text index
#: (migration 0002).
FEEDBACK_FIELDS = ["text", "organisation", "name"]


def search_feedback(user, query: str, limit: int):
    code = normalise_code(query)
    queryset = matching(
        visible_feedback(user=user),
        query,
        FEEDBACK_FIELDS,
        also=Q(code=code) if code else None,
        order=("-created_at", "-id"),
    )
    return count_and_slice(
        queryset,
        limit,
        lambda item: Hit(str(item), item.get_absolute_url(), item.get_status_display()),
    )
