"""Query building blocks the selectors of several apps share."""

from django.db.models import F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_of(model, field: str, **lookup):
    """A correlated COUNT of ``model`` rows whose ``field`` points at the
    outer row (and match ``lookup``), for ``annotate()``.

    Unlike ``Count()`` over a join it needs no GROUP BY, so the paginator's
    COUNT(*) stays a plain count (Django drops unused annotations from it),
    the model's default ordering still applies, and only the page's rows are
    counted.
    """
    rows = (
        model.objects.filter(**{field: OuterRef("pk")}, **lookup)
        .order_by()
        .values(field)
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)
