"""The Celery application.

Tasks are discovered in every installed app's ``tasks.py``. Without
``REDIS_URL`` the settings make Celery eager, so ``make run`` needs no broker.
"""

import os
import sys

from celery import Celery
from celery.signals import task_failure

from sapat.settings.env import ConfigError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapat.settings.dev")

app = Celery("sapat")
app.config_from_object("django.conf:settings", namespace="CELERY")
try:
    # Reading the settings now turns a malformed variable into one line.
    app.conf.broker_url  # noqa: B018
except ConfigError as exc:
    sys.exit(f"sapat: configuration error: {exc}")
app.autodiscover_tasks()


@task_failure.connect
def _record_task_failure(sender=None, task_id=None, exception=None, **kwargs):
    """Keep failed tasks visible to administrators, not only in the logs."""
    from sapat.notify.services import task_failure_record

    task_failure_record(
        task_name=getattr(sender, "name", str(sender)),
        task_id=task_id or "",
        exception=exception,
        args=kwargs.get("args"),
        kwargs=kwargs.get("kwargs"),
    )
