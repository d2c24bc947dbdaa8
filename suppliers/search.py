"""Suppliers in the portal's global search."""

from __future__ import annotations

from sapat.search import Hit, count_and_slice, text_condition

from .models import Supplier


def search_suppliers(user, query: str, limit: int):
    """Suppliers by name, tax id or contact person, for those who may view
    suppliers (as the supplier list)."""
    if not user.has_perm("suppliers.view_supplier"):
        return 0, []
    queryset = Supplier.objects.all()
    queryset = queryset.filter(
        text_condition(queryset, query, ["name", "tax_id", "contact_person"])
    ).order_by("name", "pk")
    return count_and_slice(
        queryset,
        limit,
        lambda supplier: Hit(
            supplier.name, supplier.get_absolute_url(), supplier.tax_id
        ),
    )
