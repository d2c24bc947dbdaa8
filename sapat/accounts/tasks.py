"""Background work of the accounts app."""

from celery import shared_task
from django.utils import timezone

from .models import User
from .services import calendar_seed_year


@shared_task(time_limit=60, soft_time_limit=50)
def calendar_seed_year_task(year: int, actor_id: int | None = None) -> int:
    """Add a year's fixed public holidays, as ``actor_id`` (None: the system).

    Scheduled every December for the next year, so January deadlines count
    the New Year holidays; also queued from the calendar page.
    """
    from sapat.notify.services import notify

    actor = (
        User.objects.filter(pk=actor_id, is_active=True).first() if actor_id else None
    )
    if actor_id and actor is None:
        return 0
    created = calendar_seed_year(actor=actor, year=year)
    if actor is not None:
        notify(
            recipients=[actor],
            event="accounts.calendar_seeded",
            target=f"/accounts/calendar/?year={year}",
            context={"year": year, "count": len(created)},
        )
    return len(created)


@shared_task(time_limit=60, soft_time_limit=50)
def calendar_seed_next_year() -> int:
    return calendar_seed_year_task(timezone.localdate().year + 1)
