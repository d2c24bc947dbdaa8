"""Background work of quality: adapters that call the services."""

from celery import shared_task

from .services import concept_review_remind


@shared_task(time_limit=120, soft_time_limit=100)
def concept_review_reminders() -> int:
    """Scheduled on 1 and 15 December and on 10 January."""
    return concept_review_remind()
