"""The nightly backup (manual §4.2.4, §7.5.5): a thin adapter of the service.

Celery's autodiscovery imports ``tasks.py`` only: ``records/tasks.py`` must
import this module (or ``CELERY_IMPORTS`` name it) for workers to know the
task.
"""

from celery import shared_task
from django.db import OperationalError

from .backup import backup_create

KEEP = 14


@shared_task(
    time_limit=3600,
    soft_time_limit=3500,
    ignore_result=True,
    autoretry_for=(OSError, OperationalError),
    max_retries=2,
    retry_backoff=600,
)
def nightly_backup() -> str:
    """Write tonight's archive to the backup folder; keep the last 14."""
    return str(backup_create(keep=KEEP))
