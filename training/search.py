"""Seminars in the portal's global search."""

from __future__ import annotations

from sapat.access import visible_to
from sapat.search import Hit, count_and_slice, text_condition

from .models import Seminar


def search_seminars(user, query: str, limit: int):
    """The seminars ``user`` may see (as in the seminar list) by title or
    venue."""
    queryset = visible_to(user, Seminar.objects.all())
    queryset = queryset.filter(
        text_condition(queryset, query, ["title", "venue"])
    ).order_by("-starts_on", "-id")
    return count_and_slice(
        queryset,
        limit,
        lambda seminar: Hit(
            seminar.title,
            seminar.get_absolute_url(),
            f"{seminar.starts_on:%d.%m.%Y} · {seminar.venue}",
        ),
    )
