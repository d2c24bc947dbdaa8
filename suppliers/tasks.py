"""Background work of purchasing: adapters that call the services."""

from celery import shared_task

from .services import supplier_list_remind, trainer_review_remind


@shared_task(time_limit=300, soft_time_limit=270)
def supplier_list_reminders() -> int:
    """Daily: December and January, the year's suppliers list is due."""
    return supplier_list_remind()


@shared_task(time_limit=300, soft_time_limit=270)
def trainer_review_reminders() -> int:
    """Daily: once a quarter, the trainers list review is due."""
    return trainer_review_remind()
