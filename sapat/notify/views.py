"""Notification pages: the bell, the list, the outbox for administrators."""

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Email


def bell(request):
    """The navbar bell: refreshed by htmx."""
    return render(
        request,
        "notify/_bell.html",
        {"unread": selectors.unread_count(user=request.user)},
    )


def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(
        selectors.notification_list(user=request.user, unread_only=unread_only), 25
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/notification_list.html",
        {"page_obj": page, "unread_only": unread_only},
    )


@require_POST
def notification_open(request, pk: int):
    """Mark read, then go where the notification points (same site only)."""
    notification = services.notification_mark_read(
        user=request.user, notification_id=pk
    )
    target = notification.target_url if notification else ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect("notify:list")


@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notify:list")


@permission_required("notify.view_email", raise_exception=True)
def outbox(request):
    status = request.GET.get("status", "")
    if status not in Email.Status.values:
        status = ""
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.email_list(status=status, search=search), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notify/email_list.html",
        {
            "page_obj": page,
            "status": status,
            "q": search,
            "statuses": Email.Status.choices,
        },
    )
