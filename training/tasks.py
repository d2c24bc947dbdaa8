"""Background work of the training app: adapters that call the services."""

from celery import shared_task

from .services.personnel import personnel_remind


@shared_task(time_limit=300, soft_time_limit=270)
def personnel_reminders() -> int:
    """Daily: attestations due, certificates expiring, late inductions."""
    return personnel_remind()


@shared_task(time_limit=300, soft_time_limit=270)
def topic_marks_reminders() -> int:
    """Every evening: training days whose topics are not yet marked."""
    from .services.seminars import topic_marks_remind

    return topic_marks_remind()


@shared_task(time_limit=300, soft_time_limit=270)
def indicative_plan_reminders() -> int:
    """Daily: a quarter, half-year or year starting soon without a plan."""
    from .services.seminars import indicative_plans_remind

    return indicative_plans_remind()


@shared_task(time_limit=900, soft_time_limit=870)
def seminar_certificates(seminar_id: int) -> int:
    """The certificates of a whole group, each queued as a signed PDF."""
    from .services.seminars import certificates_issue_all

    return certificates_issue_all(seminar_id=seminar_id)
