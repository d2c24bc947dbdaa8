"""Background work of CAPA: adapters that call the services."""

from celery import shared_task

from .services import capa_remind


@shared_task(time_limit=300, soft_time_limit=270)
def capa_reminders() -> int:
    """Daily: tasks and actions due soon or overdue, checks due, escalation."""
    return capa_remind()
