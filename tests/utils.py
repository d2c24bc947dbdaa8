"""Helpers for the tests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> int:
    """Queries one GET of ``url`` takes; the response must be 200."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries)


def assert_constant_queries(client, url: str, make_rows) -> None:
    """The page takes as many queries with 30 rows as with 3.

    ``make_rows(n)`` creates ``n`` more rows, each with its own related rows.
    """
    count_queries(client, url)  # warm the per-process caches (content types)
    make_rows(3)
    few = count_queries(client, url)
    make_rows(27)
    many = count_queries(client, url)
    assert few == many, f"{few} queries for 3 rows, {many} for 30"
