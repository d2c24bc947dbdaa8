"""CAPA in the admin: read-only records; the director approves the plan here.

Nonconformities and actions change only through the intranet's services;
the CAPA plan is approved with the approval action of
:class:`~sapat.signing.admin.ApprovableAdmin`, which asks for the password.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapat.signing.admin import ApprovableAdmin

from .models import Action, ActionTask, CapaPlan, EvidenceFile, Nonconformity


class ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceInline(ReadOnlyInline):
    model = EvidenceFile
    fields = ["name", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class TaskInline(ReadOnlyInline):
    model = ActionTask
    fields = ["title", "owner", "due_date", "done_at", "done_by"]
    readonly_fields = fields


@admin.register(Nonconformity)
class NonconformityAdmin(ReadOnly):
    list_display = [
        "__str__",
        "source",
        "severity",
        "status",
        "detected_on",
        "responsible",
    ]
    list_filter = ["status", "source", "severity", "year"]
    search_fields = ["description", "affected"]
    list_select_related = ["responsible"]
    inlines = [EvidenceInline]


@admin.register(Action)
class ActionAdmin(ReadOnly):
    list_display = ["__str__", "kind", "status", "owner", "due_date", "check_due"]
    list_filter = ["status", "kind", "year"]
    search_fields = ["title", "description", "root_cause"]
    list_select_related = ["owner"]
    inlines = [TaskInline]


@admin.register(CapaPlan)
class CapaPlanAdmin(ApprovableAdmin):
    """Approve the CAPA plan here; drafts are made on the intranet."""

    list_display = ["__str__", "issued_on", "approval_status", "approved_at"]
    list_filter = ["approval_status"]
    readonly_fields = ["actions", "created_by"]

    def has_add_permission(self, request):
        return False
