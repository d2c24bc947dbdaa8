from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapat.signing.admin import ApprovableAdmin

from .models import DisposalAct, Nomenclature, NomenclatureItem, Record


@admin.register(Nomenclature)
class NomenclatureAdmin(ApprovableAdmin):
    """Approve the year's nomenclature here; items are edited on the intranet."""

    list_display = ["year", "approval_status", "approved_at"]

    def has_add_permission(self, request):
        return False


@admin.register(DisposalAct)
class DisposalActAdmin(ApprovableAdmin):
    list_display = ["number", "date", "approval_status"]
    readonly_fields = ["records"]

    def has_add_permission(self, request):
        return False


class ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NomenclatureItem)
class NomenclatureItemAdmin(ReadOnly):
    list_display = [
        "index",
        "title",
        "nomenclature",
        "retention_kind",
        "retention_years",
    ]
    list_filter = ["nomenclature__year", "retention_kind"]
    search_fields = ["index", "title"]


@admin.register(Record)
class RecordAdmin(ReadOnly):
    list_display = ["date", "title", "item", "status", "keep_until"]
    list_filter = ["status", "medium"]
    search_fields = ["title"]
    list_select_related = ["item"]
