"""Read queries of notify."""

from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Email, Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_list(*, status: str = "", search: str = "") -> QuerySet[Email]:
    queryset = Email.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(to__icontains=search) | queryset.filter(
            subject__icontains=search
        )
    return queryset.defer("body_html")


def unread_block(request: HttpRequest) -> dict:
    latest = list(notification_list(user=request.user, unread_only=True)[:5])
    return {"notifications": latest, "unread": unread_count(user=request.user)}
