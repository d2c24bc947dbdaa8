"""Read queries of records control."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from sapat.access import visible_to
from sapat.querysets import count_of

from .models import Nomenclature, NomenclatureItem, Record, RecordFile, Section


def nomenclature_for(year: int) -> Nomenclature | None:
    return Nomenclature.objects.filter(year=year).first()


def sections_with_items(nomenclature: Nomenclature) -> list[Section]:
    """Sections with their items and each item's record count: 2 queries."""
    items = (
        NomenclatureItem.objects.select_related("responsible")
        .annotate(record_count=count_of(Record, "item", status=Record.Status.KEPT))
        .order_by("index")
    )
    return list(
        nomenclature.sections.select_related("unit").prefetch_related(
            Prefetch("items", queryset=items, to_attr="items_list")
        )
    )


def visible_records(*, user) -> QuerySet[Record]:
    """Records of open items for all staff; of restricted items only where
    the item is granted (or with the model permission to view records)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Record.objects.none()
    if user.has_perm("records.view_record"):
        return Record.objects.all()
    granted = visible_to(
        user, NomenclatureItem.objects.filter(restricted=True), action="readrecords"
    ).values("pk")
    return Record.objects.filter(Q(item__restricted=False) | Q(item__in=granted))


def record_list(
    *,
    user,
    q: str = "",
    item: int | None = None,
    status: str = "",
    year: int | None = None,
) -> QuerySet[Record]:
    queryset = visible_records(user=user).select_related(
        "item", "item__nomenclature", "created_by", "destroyed_by"
    )
    if item:
        queryset = queryset.filter(item_id=item)
    if status:
        queryset = queryset.filter(status=status)
    if year:
        queryset = queryset.filter(date__year=year)
    if q:
        variants = {q, q.casefold(), q.capitalize(), q.upper()}
        condition = Q()
        for variant in variants:
            condition |= Q(title__contains=variant) | Q(item__index__startswith=variant)
        queryset = queryset.filter(condition)
    # A correlated count, not Count("files"): a GROUP BY would drop the
    # model's ordering (pages in no stable order) and make the paginator
    # count the grouped join of every visible record.
    return queryset.annotate(file_count=count_of(RecordFile, "record")).order_by(
        "-date", "-id"
    )
