from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Email, Notification, TaskFailure


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are written by the services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Email)
class EmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "language"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    @admin.action(description=_("Send the failed e-mails again"))
    def retry(self, request, queryset):
        failed = list(queryset.filter(status=Email.Status.FAILED))
        for email in failed:
            services.email_retry(email=email)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued again.",
                "%(count)d e-mails queued again.",
                len(failed),
            )
            % {"count": len(failed)},
            messages.SUCCESS,
        )

    def get_actions(self, request):
        # The action exists for those who may see the outbox.
        actions = super().get_actions(request)
        if not request.user.has_perm("notify.view_email"):
            actions.pop("retry", None)
        return actions


@admin.register(TaskFailure)
class TaskFailureAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "task_name", "error"]
    search_fields = ["task_name", "error"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "event", "read_at"]
    list_filter = ["event"]
    search_fields = ["recipient__username", "recipient__full_name"]
    list_select_related = ["recipient"]
