"""The projects block of "My work": my open tasks and decisions."""

from django.http import HttpRequest
from django.utils import timezone

from .selectors import my_tasks


def my_work_block(request: HttpRequest) -> dict | None:
    work = my_tasks(request.user)
    if not work["tasks"] and not work["decisions"]:
        return None
    return {
        "tasks": work["tasks"][:10],
        "decisions": work["decisions"][:10],
        "today": timezone.localdate(),
    }
