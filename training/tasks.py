"""Background work of the training app: adapters that call the services."""

from celery import shared_task

from .services.personnel import personnel_remind


@shared_task(time_limit=300, soft_time_limit=270)
def personnel_reminders() -> int:
    """Daily: attestations due, certificates expiring, late inductions."""
    return personnel_remind()
