"""Internal audits in the portal's global search."""

from __future__ import annotations

from sapat.access import visible_to
from sapat.search import Hit, count_and_slice, text_condition

from .models import Audit


def search_audits(user, query: str, limit: int):
    """The audits ``user`` may see (as in the audit list) by title."""
    queryset = visible_to(user, Audit.objects.all())
    queryset = queryset.filter(text_condition(queryset, query, ["title"])).order_by(
        "-year", "-seq"
    )
    return count_and_slice(
        queryset,
        limit,
        lambda audit: Hit(
            str(audit), audit.get_absolute_url(), audit.get_status_display()
        ),
    )
