from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapat.signing.admin import ApprovableAdmin

from .models import Purchase, Supplier, SupplierList


@admin.register(SupplierList)
class SupplierListAdmin(ApprovableAdmin):
    """Approve the year's suppliers list here; it is compiled on the intranet."""

    list_display = ["year", "approval_status", "approved_at"]

    def has_add_permission(self, request):
        return False


class ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Supplier)
class SupplierAdmin(ReadOnly):
    list_display = ["name", "tax_id", "active", "flagged"]
    list_filter = ["active", "flagged", "category_rows__category"]
    search_fields = ["name", "tax_id"]


@admin.register(Purchase)
class PurchaseAdmin(ReadOnly):
    list_display = ["subject", "category", "supplier", "status", "requested_on"]
    list_filter = ["status", "category"]
    search_fields = ["subject"]
    list_select_related = ["supplier"]
