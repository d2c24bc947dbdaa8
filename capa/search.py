"""Nonconformities and actions in the portal's global search."""

from __future__ import annotations

from sapat.search import Hit, count_and_slice, text_condition

from .selectors import visible_actions, visible_nonconformities


def search_nonconformities(user, query: str, limit: int):
    queryset = visible_nonconformities(user=user)
    queryset = queryset.filter(
        text_condition(queryset, query, ["description"])
    ).order_by("-year", "-seq")
    return count_and_slice(
        queryset,
        limit,
        lambda nc: Hit(str(nc), nc.get_absolute_url(), nc.get_status_display()),
    )


def search_actions(user, query: str, limit: int):
    queryset = visible_actions(user=user)
    queryset = queryset.filter(
        text_condition(queryset, query, ["title", "description"])
    ).order_by("-year", "-seq")
    return count_and_slice(
        queryset,
        limit,
        lambda action: Hit(
            str(action), action.get_absolute_url(), action.get_status_display()
        ),
    )
