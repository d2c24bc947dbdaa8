"""Notifications and e-mail: the one way the portal tells people things."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Email, Notification, SentKey, TaskFailure

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5


class EmailNotSent(Exception):
    """Delivery failed this time; the e-mail stays queued for a retry."""


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SAPAT_BASE_URL.rstrip("/") + url


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    event: str,
    target: str = "",
    context: dict | None = None,
    once_key: str | None = None,
) -> list[Notification]:
    """Notify ``recipients`` of ``event``; e-mail those who want e-mail.

    Writes one :class:`Notification` per active recipient (duplicates and
    inactive users skipped) and, for recipients with an e-mail address and
    e-mail switched on, one queued :class:`Email` rendered in their language;
    the sending task is queued on commit. With ``once_key``, nothing at all is
    done if that key was used before: the idempotency every reminder relies
    on. ``context`` must be JSON-serialisable. Returns the notifications.
    """
    from .events import get as get_event

    if get_event(event) is None:
        raise ValueError(f"Unknown notification event {event!r}")
    context = dict(context or {})
    json.dumps(context)  # fail now, not in the bell

    if once_key:
        try:
            with transaction.atomic():
                SentKey.objects.create(key=once_key)
        except IntegrityError:
            return []

    seen, notifications = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notification = Notification.objects.create(
            recipient=user,
            event=event,
            context=context,
            target_url=target,
            once_key=once_key or "",
        )
        notifications.append(notification)
        if user.email and user.email_notifications:
            _queue_notification_email(notification, user)
    return notifications


def _queue_notification_email(notification: Notification, user) -> Email:
    from .events import render_body, render_title

    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "title": render_title(notification.event, notification.context),
            "body": render_body(notification.event, notification.context),
            "url": _absolute(notification.target_url),
            "settings_url": _absolute("/accounts/profile/"),
        }
        return email_queue(
            to=user.email,
            template="emails/notification",
            context=context,
            language=user.language,
            notification=notification,
        )


def email_queue(
    *,
    to: str,
    template: str | None = None,
    context: dict | None = None,
    subject: str = "",
    body_text: str = "",
    body_html: str = "",
    language: str = "",
    notification: Notification | None = None,
) -> Email:
    """Put one e-mail in the outbox and queue its sending after commit.

    Either ``template`` (``<name>.subject.txt``, ``.txt`` and ``.html`` are
    rendered with ``context`` in the active language) or ready ``subject``
    and ``body_text`` (and optionally ``body_html``).
    """
    from sapat.accounts.models import OrganisationProfile

    from .tasks import send_email

    if template:
        context = {"organisation": OrganisationProfile.load(), **(context or {})}
        subject = render_to_string(f"{template}.subject.txt", context)
        body_text = render_to_string(f"{template}.txt", context)
        body_html = render_to_string(f"{template}.html", context)
    subject = " ".join(subject.split())[:300]
    email = Email.objects.create(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        language=language or translation.get_language() or "",
        notification=notification,
    )
    send_email.delay_on_commit(email.pk)
    return email


def email_send(*, email_id: int) -> Email | None:
    """Send one queued e-mail; marks it sent, or records the error.

    Returns ``None`` when the e-mail is gone or was already sent (a retried
    task must not send twice). Raises :class:`EmailNotSent` after recording
    the error so the task can retry; after :data:`MAX_EMAIL_ATTEMPTS` the
    e-mail is marked failed and returned instead.
    """
    error = None
    with transaction.atomic():
        email = (
            Email.objects.select_for_update()
            .filter(pk=email_id, status=Email.Status.QUEUED)
            .first()
        )
        if email is None:
            return None
        email.attempts += 1
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # any transport error: record, maybe retry
            error = f"{type(exc).__name__}: {exc}"[:2000]
            email.last_error = error
            if email.attempts >= MAX_EMAIL_ATTEMPTS:
                email.status = Email.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
        else:
            email.status = Email.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    if error and email.status == Email.Status.QUEUED:
        logger.warning("E-mail %s not sent: %s", email.pk, error)
        raise EmailNotSent(error)
    return email


def email_forget(*, address: str) -> int:
    """Remove a person's address and the texts sent to it from the outbox.

    For anonymisation of people without an account (clients): the rows stay
    as proof that something was sent, with the subject, but without the
    address or the body. Returns how many e-mails were changed.
    """
    if not address:
        return 0
    emails = Email.objects.filter(to__iexact=address)
    # An e-mail not sent yet is not sent at all.
    emails.filter(status=Email.Status.QUEUED).update(
        status=Email.Status.FAILED, last_error="address removed"
    )
    return emails.update(to="", body_text="", body_html="")


@transaction.atomic
def email_retry(*, email: Email) -> Email:
    """Put a failed e-mail back in the queue (an administrator's action)."""
    email = Email.objects.select_for_update().get(pk=email.pk)
    if email.status != Email.Status.FAILED:
        return email
    email.status = Email.Status.QUEUED
    email.attempts = 0
    email.save(update_fields=["status", "attempts"])
    from .tasks import send_email

    send_email.delay_on_commit(email.pk)
    return email


def notification_mark_read(*, user, notification_id: int) -> Notification | None:
    """Mark one of ``user``'s notifications read; ``None`` if not theirs."""
    notification = Notification.objects.filter(
        pk=notification_id, recipient=user
    ).first()
    if notification and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def task_failure_record(
    *, task_name: str, task_id: str, exception, args=None, kwargs=None
) -> TaskFailure | None:
    """Keep a failed task for administrators; never raises itself."""
    try:
        arguments = json.dumps({"args": args, "kwargs": kwargs}, default=str)
        return TaskFailure.objects.create(
            task_name=task_name[:200],
            task_id=task_id[:100],
            arguments=arguments[:5000],
            error=f"{type(exception).__name__}: {exception}"[:5000],
        )
    except Exception:  # the database may be what failed
        logger.exception("Could not record the failure of task %s", task_name)
        return None
