"""Background work of customer satisfaction: adapters that call the services."""

from celery import shared_task

from .services import (
    personal_data_anonymise,
    survey_send_for_project,
    triage_digest_send,
)


@shared_task(time_limit=300, soft_time_limit=270)
def weekly_triage() -> int:
    """Monday 09:00: the digest of new feedback for the quality manager."""
    digest = triage_digest_send()
    return digest.item_count if digest else 0


@shared_task(time_limit=600, soft_time_limit=540)
def anonymise_personal_data() -> int:
    """Daily: contact data older than the configured period is removed."""
    return personal_data_anonymise()


@shared_task(
    bind=True, max_retries=3, time_limit=300, soft_time_limit=270, acks_late=True
)
def send_project_survey(self, project_id: int) -> int | None:
    """A project closed: send its client contacts the questionnaire."""
    try:
        survey = survey_send_for_project(project_id=project_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    return survey.pk if survey else None
