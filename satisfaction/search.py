"""Feedback in the portal's global search.

Scoped by :func:`satisfaction.selectors.visible_feedback`: the holders of the
view permission see all feedback, the director complaints and claims, anyone
else only the items assigned to them.
"""

from __future__ import annotations

from django.db.models import Q

from sapat.search import Hit, count_and_slice, text_condition

from .selectors import visible_feedback
from .services import normalise_code


def search_feedback(user, query: str, limit: int):
    queryset = visible_feedback(user=user)
    condition = text_condition(queryset, query, ["text", "organisation", "name"])
    code = normalise_code(query)
    if code:
        condition |= Q(code=code)
    queryset = queryset.filter(condition).order_by("-created_at", "-id")
    return count_and_slice(
        queryset,
        limit,
        lambda item: Hit(str(item), item.get_absolute_url(), item.get_status_display()),
    )
