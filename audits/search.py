"""Internal audits in the portal's global search.

An audit's number (``ИА-2026-03``) is shown, not stored: a query that reads
as one is looked up in the year and sequence fields.
"""

from __future__ import annotations

from django.db.models import Q

from sapat.access import visible_to
from sapat.search import Hit, count_and_slice, matching, number_condition

from .models import AUDIT_PREFIX, Audit

#: Searched fields, in the order of the full-text index (migration 0004).
AUDIT_FIELDS = ["title"]


def search_audits(user, query: str, limit: int):
    """The audits ``user`` may see (as in the audit list) by title or
    number."""
    queryset = matching(
        visible_to(user, Audit.objects.all()),
        query,
        AUDIT_FIELDS,
        also=number_condition(query, {AUDIT_PREFIX.casefold(): Q()}),
        order=("-year", "-seq"),
    )
    return count_and_slice(
        queryset,
        limit,
        lambda audit: Hit(
            str(audit), audit.get_absolute_url(), audit.get_status_display()
        ),
    )
