"""The CAPA block of "My work": my actions, tasks, checks and nonconformities."""

from django.http import HttpRequest

from .selectors import my_capa_work


def my_work_block(request: HttpRequest) -> dict | None:
    work = my_capa_work(request.user)
    if not any(work.values()):
        return None
    return work
