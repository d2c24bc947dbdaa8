"""Projects and client property in the portal's global search.

Client property is searched only in the projects whose property ``user``
may see (the team and top management), so another project's client
documents are neither listed nor counted.
"""

from __future__ import annotations

from sapat.search import Hit, count_and_slice, text_condition

from .models import ClientDocument
from .selectors import property_projects, visible_projects


def search_projects(user, query: str, limit: int):
    queryset = visible_projects(user)
    queryset = (
        queryset.filter(
            text_condition(queryset, query, ["code", "title", "client__name"])
        )
        .select_related("client")
        .order_by("-start_date", "-id")
    )
    return count_and_slice(
        queryset,
        limit,
        lambda project: Hit(
            str(project), project.get_absolute_url(), project.client.name
        ),
    )


def search_client_documents(user, query: str, limit: int):
    queryset = ClientDocument.objects.filter(
        project__in=property_projects(user).values("pk")
    )
    queryset = (
        queryset.filter(
            text_condition(queryset, query, ["title", "received_from", "location"])
        )
        .select_related("project")
        .order_by("-received_on", "-pk")
    )
    return count_and_slice(
        queryset,
        limit,
        lambda document: Hit(
            document.title, document.get_absolute_url(), document.project.code
        ),
    )
