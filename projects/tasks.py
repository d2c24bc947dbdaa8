"""Background work of projects: adapters that call the services."""

from celery import shared_task

from .services import overdue_remind


@shared_task(time_limit=300, soft_time_limit=270)
def overdue_reminders() -> int:
    """Daily: overdue plan items, project tasks and meeting decisions."""
    return overdue_remind()
