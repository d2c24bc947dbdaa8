"""Projects and client property in the portal's global search.

A project's code (``П-2025-014``) is stored and searched as text, so
``2025-014`` and ``014`` find it too. Client property is searched only in
the projects whose property ``user`` may see (the team and top management),
so another project's client documents are neither listed nor counted.
"""

from __future__ import annotations

from django.db.models import Q

from sapat.search import Hit, count_and_slice, matching

from .models import ClientDocument
from .selectors import property_projects, visible_projects

#: Searched fields, the title first; the local ones in the order of the
#: full-text indexes (migration 0002).
PROJECT_FIELDS = ["title", "code", "client__name"]
CLIENT_DOCUMENT_FIELDS = ["title", "received_from", "location"]


def search_projects(user, query: str, limit: int):
    queryset = matching(
        visible_projects(user).select_related("client"),
        query,
        PROJECT_FIELDS,
        # The project whose code is the query comes first.
        also=Q(code__in={query, query.upper()}),
        order=("-start_date", "-id"),
    )
    return count_and_slice(
        queryset,
        limit,
        lambda project: Hit(
            str(project), project.get_absolute_url(), project.client.name
        ),
    )


def search_client_documents(user, query: str, limit: int):
    queryset = matching(
        ClientDocument.objects.filter(
            project__in=property_projects(user).values("pk")
        ).select_related("project"),
        query,
        CLIENT_DOCUMENT_FIELDS,
        order=("-received_on", "-pk"),
    )
    return count_and_slice(
        queryset,
        limit,
        lambda document: Hit(
            document.title, document.get_absolute_url(), document.project.code
        ),
    )
