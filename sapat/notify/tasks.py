"""Background work of notify: adapters that call the services."""

from celery import shared_task

from .services import MAX_EMAIL_ATTEMPTS, EmailNotSent, email_send


@shared_task(
    bind=True,
    max_retries=MAX_EMAIL_ATTEMPTS - 1,
    time_limit=120,
    soft_time_limit=90,
    acks_late=True,
)
def send_email(self, email_id: int) -> str:
    """Send one outbox e-mail, retrying with exponential backoff."""
    try:
        email = email_send(email_id=email_id)
    except EmailNotSent as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    return email.status if email else "skipped"
