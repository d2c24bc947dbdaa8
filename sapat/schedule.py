"""Periodic work, declared in code and stored by django-celery-beat.

``manage.py sync_schedules`` (also run after every ``migrate``) writes these
entries as ``PeriodicTask`` rows named ``sapat:<key>``; rows of ours that are
no longer declared are deleted, while tasks added by hand in the admin are
left alone. Times are in the agency's time zone (``CELERY_TIMEZONE``).

Later issues add their reminders here: each entry calls a task that calls an
idempotent service (``notify(once_key=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

PREFIX = "sapat:"


@dataclass(frozen=True)
class Entry:
    task: str
    #: crontab fields: minute, hour, day_of_week, day_of_month, month_of_year
    crontab: dict[str, str] = field(default_factory=dict)
    description: str = ""


SCHEDULE: dict[str, Entry] = {
    "beat-heartbeat": Entry(
        task="sapat.tasks.beat_heartbeat",
        crontab={"minute": "*/5"},
        description="Shows on /healthz/ that beat is alive.",
    ),
    "calendar-next-year": Entry(
        task="sapat.accounts.tasks.calendar_seed_next_year",
        crontab={
            "minute": "0",
            "hour": "6",
            "day_of_month": "1",
            "month_of_year": "12",
        },
        description="Adds next year's fixed public holidays every 1 December.",
    ),
    "concept-review-december": Entry(
        task="sapat.quality.tasks.concept_review_reminders",
        crontab={
            "minute": "0",
            "hour": "9",
            "day_of_month": "1,15",
            "month_of_year": "12",
        },
        description="Reminds top management to review the concept by 15 January.",
    ),
    "concept-review-january": Entry(
        task="sapat.quality.tasks.concept_review_reminders",
        crontab={
            "minute": "0",
            "hour": "9",
            "day_of_month": "10",
            "month_of_year": "1",
        },
        description="Last reminder before the 15 January deadline.",
    ),
    "documents-in-force": Entry(
        task="documents.tasks.bring_revisions_in_force",
        crontab={"minute": "5", "hour": "0"},
        description="Brings approved revisions in force on their effective date.",
    ),
    "documents-review": Entry(
        task="documents.tasks.review_reminders",
        crontab={"minute": "0", "hour": "8"},
        description="Tells owners 30 days before a document review, and when late.",
    ),
    "documents-acknowledgements": Entry(
        task="documents.tasks.acknowledgement_reminders",
        crontab={"minute": "0", "hour": "9", "day_of_week": "1"},
        description="Reminds those who have not acknowledged a document in force.",
    ),
    "documents-external-check": Entry(
        task="documents.tasks.external_check_reminders",
        crontab={"minute": "0", "hour": "9", "day_of_week": "1"},
        description="Asks the responsible people to check external documents.",
    ),
    "records-disposal-due": Entry(
        task="records.tasks.disposal_due_reminders",
        crontab={"minute": "0", "hour": "9", "day_of_month": "1"},
        description="Lists the records due for disposal to the quality manager.",
    ),
    "projects-overdue": Entry(
        task="projects.tasks.overdue_reminders",
        crontab={"minute": "30", "hour": "8"},
        description="Overdue plan items, project tasks and meeting decisions, "
        "to their owners (once each).",
    ),
    "capa-reminders": Entry(
        task="capa.tasks.capa_reminders",
        crontab={"minute": "15", "hour": "8"},
        description="CAPA tasks and actions due in 3 days or overdue, checks due; "
        "the director after 14 days overdue.",
    ),
    "suppliers-list-due": Entry(
        task="suppliers.tasks.supplier_list_reminders",
        crontab={"minute": "10", "hour": "9"},
        description="In December (and January if still unapproved) the year's "
        "approved suppliers list is due; once a month.",
    ),
    "suppliers-trainer-review": Entry(
        task="suppliers.tasks.trainer_review_reminders",
        crontab={"minute": "20", "hour": "9"},
        description="Once a quarter, until it is recorded, the trainers list "
        "review is due.",
    ),
    "records-nightly-backup": Entry(
        task="records.backup_tasks.nightly_backup",
        crontab={"minute": "30", "hour": "2"},
        description="Database and media archive; the last 14 are kept.",
    ),
    "audits-reminders": Entry(
        task="audits.tasks.audit_reminders",
        crontab={"minute": "25", "hour": "8"},
        description="Audits in 14 days, next year's audit programme, the "
        "self-assessment and the management reviews due.",
    ),
    "documents-letters-due": Entry(
        task="documents.tasks.letter_due_reminders",
        crontab={"minute": "30", "hour": "8"},
        description="Reminds executors of letters due soon or overdue.",
    ),
    "satisfaction-weekly-triage": Entry(
        task="satisfaction.tasks.weekly_triage",
        crontab={"minute": "0", "hour": "9", "day_of_week": "1"},
        description="Digest of the week's new feedback for the quality specialist.",
    ),
    "satisfaction-anonymise": Entry(
        task="satisfaction.tasks.anonymise_personal_data",
        crontab={"minute": "45", "hour": "2"},
        description="Removes clients' contact data past the retention period.",
    ),
    "training-personnel": Entry(
        task="training.tasks.personnel_reminders",
        crontab={"minute": "15", "hour": "8"},
        description="Attestations due, certificates expiring, late inductions.",
    ),
    "training-topic-marks": Entry(
        task="training.tasks.topic_marks_reminders",
        crontab={"minute": "0", "hour": "19"},
        description="Evenings: trainers who have not marked the day's topics.",
    ),
    "training-indicative-plans": Entry(
        task="training.tasks.indicative_plan_reminders",
        crontab={"minute": "45", "hour": "8"},
        description="Before each quarter, half-year and year: the indicative "
        "training plan.",
    ),
}


def sync_schedules() -> dict[str, int]:
    """Make the beat database match :data:`SCHEDULE`; idempotent."""
    from django.conf import settings
    from django.db import transaction
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    created = updated = deleted = 0
    with transaction.atomic():
        for key, entry in SCHEDULE.items():
            fields = {
                "minute": "*",
                "hour": "*",
                "day_of_week": "*",
                "day_of_month": "*",
                "month_of_year": "*",
                **entry.crontab,
            }
            crontab, _ = CrontabSchedule.objects.get_or_create(
                timezone=settings.TIME_ZONE, **fields
            )
            _task, was_created = PeriodicTask.objects.update_or_create(
                name=PREFIX + key,
                defaults={
                    "task": entry.task,
                    "crontab": crontab,
                    "interval": None,
                    "description": entry.description,
                    "enabled": True,
                },
            )
            created += was_created
            updated += not was_created
        stale = PeriodicTask.objects.filter(name__startswith=PREFIX).exclude(
            name__in=[PREFIX + key for key in SCHEDULE]
        )
        deleted = stale.count()
        stale.delete()
    return {"created": created, "updated": updated, "deleted": deleted}
