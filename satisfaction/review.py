"""Inputs of the management review (ДЖ-07) from customer satisfaction.

Registered with ``audits.review_inputs`` when Audits is installed: the
year's satisfaction figures (§8.2.1) and the complaints of the period.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import DIRECTOR_KINDS, OPEN_STATUSES, Feedback
from .selectors import satisfaction_summary


def satisfaction_input(period) -> dict:
    """Survey figures of the period's year: 5 queries."""
    data = satisfaction_summary(period.year)
    return {
        "figures": [
            (_("Surveys sent"), data["surveys"]),
            (_("Response rate, %"), data["response_rate"]),
            (_("Satisfaction index (0–100)"), data["index"]),
            (_("NPS"), data["nps"]),
            (_("Satisfied with the handling of feedback, %"), data["loop_satisfied"]),
        ],
        "url": reverse("satisfaction:summary") + f"?year={period.year}",
    }


def complaints_input(period) -> dict:
    """Complaints and claims received in the period: 1 query."""
    counts = Feedback.objects.filter(
        kind__in=DIRECTOR_KINDS, received_on__range=(period.start, period.end)
    ).aggregate(
        total=Count("pk"),
        still_open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        nonconformities=Count("pk", filter=Q(nonconformity__isnull=False)),
    )
    return {
        "figures": [
            (_("Complaints and claims"), counts["total"]),
            (_("Still unanswered"), counts["still_open"]),
            (_("That raised a nonconformity"), counts["nonconformities"]),
        ],
        "url": reverse("satisfaction:feedback_list") + "?kind=complaint",
    }
