"""Background work of audits and review: adapters that call the services."""

from celery import shared_task

from .services import reminders_send


@shared_task(time_limit=300, soft_time_limit=270)
def audit_reminders() -> int:
    """Daily: audits in 14 days, next year's programme, the self-assessment
    and the management reviews due (all idempotent)."""
    return reminders_send()
