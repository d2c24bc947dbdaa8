"""Portal-wide background tasks."""

from celery import shared_task
from django.utils import timezone


@shared_task(time_limit=30, soft_time_limit=20, ignore_result=True)
def beat_heartbeat() -> str:
    """Nothing to do: beat records when it sent this, /healthz/ shows it."""
    return timezone.now().isoformat()
