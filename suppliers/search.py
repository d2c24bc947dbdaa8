"""Suppliers in the portal's global search."""

from __future__ import annotations

from sapat.search import Hit, count_and_slice, matching

from .models import Supplier

#: Searched fields, the title first, in the order of the full-text index
#: (migration 0002).
SUPPLIER_FIELDS = ["name", "tax_id", "contact_person"]


def search_suppliers(user, query: str, limit: int):
    """Suppliers by name, tax id or contact person, for those who may view
    suppliers (as the supplier list)."""
    if not user.has_perm("suppliers.view_supplier"):
        return 0, []
    queryset = matching(
        Supplier.objects.all(), query, SUPPLIER_FIELDS, order=("name", "pk")
    )
    return count_and_slice(
        queryset,
        limit,
        lambda supplier: Hit(
            supplier.name, supplier.get_absolute_url(), supplier.tax_id
        ),
    )
