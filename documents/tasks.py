"""Background work of document control: adapters that call the services."""

from celery import shared_task

from .services import external, letters, register


@shared_task(time_limit=300, soft_time_limit=270)
def bring_revisions_in_force() -> int:
    """Daily: approved revisions whose effective date has come."""
    return register.revisions_bring_in_force()


@shared_task(time_limit=300, soft_time_limit=270)
def review_reminders() -> int:
    """Daily: owners 30 days before a review is due, and when overdue."""
    return register.review_remind()


@shared_task(time_limit=300, soft_time_limit=270)
def acknowledgement_reminders() -> int:
    """Weekly: those who have not acknowledged a revision in force."""
    return register.acknowledgement_remind()


@shared_task(time_limit=300, soft_time_limit=270)
def external_check_reminders() -> int:
    """Weekly: the responsible people check the sources of external documents."""
    return external.external_check_remind()


@shared_task(time_limit=300, soft_time_limit=270)
def letter_due_reminders() -> int:
    """Daily: executors of letters due soon or overdue."""
    return letters.letter_due_remind()
