"""Seminars in the portal's global search. A seminar has no number: it is
found by its title or venue."""

from __future__ import annotations

from sapat.access import visible_to
from sapat.search import Hit, count_and_slice, matching

from .models import Seminar

#: Searched fields, the title first, in the order of the full-text index
#: (migration 0003).
SEMINAR_FIELDS = ["title", "venue"]


def search_seminars(user, query: str, limit: int):
    """The seminars ``user`` may see (as in the seminar list) by title or
    venue."""
    queryset = matching(
        visible_to(user, Seminar.objects.all()),
        query,
        SEMINAR_FIELDS,
        order=("-starts_on", "-id"),
    )
    return count_and_slice(
        queryset,
        limit,
        lambda seminar: Hit(
            seminar.title,
            seminar.get_absolute_url(),
            f"{seminar.starts_on:%d.%m.%Y} · {seminar.venue}",
        ),
    )
