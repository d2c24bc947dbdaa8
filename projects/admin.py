"""Read-only admin views; projects are run on the intranet pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapat.signing.admin import ApprovableAdmin

from .models import (
    Client,
    ClientDocument,
    ContractVersion,
    Deliverable,
    Meeting,
    Project,
    WorkPlan,
)


class ReadOnly(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Client)
class ClientAdmin(ReadOnly):
    list_display = ["name", "kind", "region"]
    search_fields = ["name"]


@admin.register(Project)
class ProjectAdmin(ReadOnly):
    list_display = ["code", "title", "client", "status", "project_manager"]
    list_filter = ["status", "service_type"]
    search_fields = ["code", "title"]


class ApproveOnly(ApprovableAdmin):
    """The director approves contracts and reports here with the password;
    everything else about them is done on the project pages."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ContractVersion)
class ContractVersionAdmin(ApproveOnly):
    list_display = ["number", "version", "client", "approval_status", "sent_on"]


@admin.register(Deliverable)
class DeliverableAdmin(ApproveOnly):
    list_display = ["title", "project", "version", "approval_status"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ["number", "kind", "date", "project"]


@admin.register(WorkPlan)
class WorkPlanAdmin(ReadOnly):
    list_display = ["kind", "year", "period"]


@admin.register(ClientDocument)
class ClientDocumentAdmin(ReadOnly):
    """Client property is confidential: only superusers see it here."""

    list_display = ["title", "project", "received_on", "returned_on"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
