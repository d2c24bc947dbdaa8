from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sapat.signing.admin import ApprovableAdmin

from .models import (
    ChangeRequest,
    Document,
    DocumentRevision,
    ExternalDocument,
    Letter,
    PaperCopy,
)


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "title",
        "doc_type",
        "status",
        "access",
        "owner",
        "next_review",
    ]
    list_filter = ["doc_type", "status", "access"]
    search_fields = ["code", "title"]
    list_select_related = ["owner"]
    readonly_fields = ["status"]
    exclude = ["search_text", "linked_type", "linked_id"]
    filter_horizontal = ["distribution_groups", "distribution_users", "clauses"]

    def get_queryset(self, request):
        from .selectors import visible_documents

        return visible_documents(user=request.user)


@admin.register(DocumentRevision)
class DocumentRevisionAdmin(ApprovableAdmin):
    """Approve revisions here with the password; drafts are edited on the intranet."""

    list_display = [
        "document",
        "number",
        "approval_status",
        "effective_date",
        "created_by",
    ]
    list_filter = ["approval_status"]
    search_fields = ["document__code", "document__title"]
    list_select_related = ["document", "created_by"]
    exclude = ["extracted_text", "lock_version"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Revisions are written through the intranet's services (type check of
        # the file, numbering, optimistic lock); the admin only approves.
        return [f.name for f in self.model._meta.fields if f.name not in {"id"}] + [
            "executors"
        ]


@admin.register(PaperCopy)
class PaperCopyAdmin(SimpleHistoryAdmin):
    list_display = [
        "revision",
        "number",
        "holder",
        "place",
        "issued_on",
        "withdrawn_on",
    ]
    list_select_related = ["revision__document", "holder"]
    readonly_fields = [f.name for f in PaperCopy._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SimpleHistoryAdmin):
    list_display = ["document", "proposed_by", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["document", "proposed_by"]
    readonly_fields = [f.name for f in ChangeRequest._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ExternalDocument)
class ExternalDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "issuer", "number", "status", "last_checked"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "issuer", "number"]


@admin.register(Letter)
class LetterAdmin(SimpleHistoryAdmin):
    list_display = [
        "reg_number",
        "direction",
        "date",
        "counterparty",
        "subject",
        "status",
    ]
    list_filter = ["direction", "status"]
    search_fields = ["reg_number", "counterparty", "subject"]
    readonly_fields = ["reg_number"]

    def has_add_permission(self, request):
        return False
