"""Signing in the admin: read-only records and approval through the services.

:class:`ApprovableAdmin` is the base of every approvable model's admin: the
approval status and, once sent for approval, the signed fields are read-only,
and approving is an action that asks for the password on an intermediate
page and calls :func:`~.services.route_sign`.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .forms import SignForm
from .models import (
    ApprovalRoute,
    ApprovalStatus,
    Delegation,
    Meaning,
    Signature,
    SignedPDF,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = [
        "signed_at",
        "signer_name",
        "meaning",
        "content_type",
        "object_id",
        "acting_for",
    ]
    list_filter = ["meaning", "content_type"]
    search_fields = ["signer_name", "content_hash"]
    list_select_related = ["content_type", "acting_for"]


@admin.register(ApprovalRoute)
class ApprovalRouteAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "content_type", "object_id", "status", "started_by"]
    list_filter = ["status", "content_type"]
    list_select_related = ["content_type", "started_by"]


@admin.register(SignedPDF)
class SignedPDFAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "title", "status", "code", "superseded_by", "size"]
    list_filter = ["status"]
    search_fields = ["title", "code", "sha256"]
    actions = ["retry"]

    @admin.action(description=_("Prepare the failed PDFs again"))
    def retry(self, request, queryset):
        for record in queryset.filter(status=SignedPDF.Status.FAILED):
            services.signed_pdf_retry(record=record)


@admin.register(Delegation)
class DelegationAdmin(SimpleHistoryAdmin):
    list_display = ["principal", "deputy", "starts_on", "ends_on", "revoked_at"]
    list_select_related = ["principal", "deputy"]
    readonly_fields = ["revoked_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.delegation_create(
            actor=request.user,
            principal=obj.principal,
            deputy=obj.deputy,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            reason=obj.reason,
        )


class ApprovableAdmin(SimpleHistoryAdmin):
    """Base admin of approvable models: the services decide, not the form."""

    actions = ["approve"]
    approval_fields = ("approval_status", "approved_at")

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *self.approval_fields]
        if obj is not None and obj.approval_status != ApprovalStatus.DRAFT:
            fields += [f for f in obj.signed_fields if f not in fields]
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.approval_status != ApprovalStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change and obj.approval_status != ApprovalStatus.DRAFT:
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Approve and sign (asks for the password)"))
    def approve(self, request, queryset):
        steps = []
        for obj in queryset:
            route = services.open_route(obj)
            step = None
            if route is not None:
                step = next(
                    (
                        s
                        for s in services.active_steps(route)
                        if s.meaning == Meaning.APPROVED
                        and (
                            s.signer_id == request.user.pk
                            or services.acting_delegation(
                                deputy=request.user, principal=s.signer
                            )
                        )
                    ),
                    None,
                )
            if step is None:
                self.message_user(
                    request,
                    _("“%(title)s” does not await your approval.") % {"title": obj},
                    messages.WARNING,
                )
            else:
                steps.append((obj, step))
        if not steps:
            return None
        form = SignForm(request.POST if "password" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for obj, step in steps:
                try:
                    services.route_sign(
                        step=step,
                        actor=request.user,
                        password=form.cleaned_data["password"],
                        comment=form.cleaned_data["comment"],
                        request=request,
                    )
                except ValidationError as error:
                    if error.code == "password":
                        form.add_error("password", error.messages)
                        break
                    self.message_user(
                        request, f"{obj}: {' '.join(error.messages)}", messages.ERROR
                    )
                else:
                    done += 1
            else:
                self.message_user(
                    request,
                    _("Approved and signed: %(count)d.") % {"count": done},
                    messages.SUCCESS,
                )
                return None
        return TemplateResponse(
            request,
            "admin/signing/approve_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Approve and sign"),
                "objects": [obj for obj, _step in steps],
                "form": form,
                "queryset": queryset,
                "action": "approve",
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
