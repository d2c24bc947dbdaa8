"""Background work of records control: adapters that call the services."""

from celery import shared_task

from .backup_tasks import nightly_backup  # noqa: F401 - registers it
from .services import disposal_due_remind


@shared_task(time_limit=300, soft_time_limit=270)
def disposal_due_reminders() -> int:
    """Monthly: records past their retention, for a disposal act."""
    return disposal_due_remind()
