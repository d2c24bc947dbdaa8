"""Inputs of the management review (ДЖ-07) from the client projects.

Registered with ``audits.review_inputs``: the projects of the period by
service, closed on time or late, and the ones still running late.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import OPEN_STATUSES, Project, ProjectStatus, ServiceType


def projects_input(period) -> dict:
    """Projects started, closed (on time or late) and overdue: 2 queries."""
    in_period = Q(start_date__range=(period.start, period.end))
    closed = Q(status=ProjectStatus.CLOSED, closed_on__range=(period.start, period.end))
    late = closed & Q(end_date__isnull=False, closed_on__gt=F("end_date"))
    overdue = Q(status__in=OPEN_STATUSES, end_date__lt=period.end)
    counts = Project.objects.aggregate(
        started=Count("pk", filter=in_period),
        closed=Count("pk", filter=closed),
        closed_late=Count("pk", filter=late),
        overdue=Count("pk", filter=overdue),
    )
    labels = dict(ServiceType.choices)
    by_service = (
        Project.objects.filter(in_period | closed)
        .values("service_type")
        .annotate(
            started=Count("pk", filter=in_period),
            closed=Count("pk", filter=closed),
            late=Count("pk", filter=late),
        )
        .order_by("service_type")
    )
    return {
        "figures": [
            (_("Projects started"), counts["started"]),
            (_("Projects closed"), counts["closed"]),
            (_("Of them closed after the planned end"), counts["closed_late"]),
            (_("Open projects past their planned end"), counts["overdue"]),
        ],
        "headers": [_("Service"), _("Started"), _("Closed"), _("Closed late")],
        "rows": [
            [
                labels.get(row["service_type"], row["service_type"]),
                row["started"],
                row["closed"],
                row["late"],
            ]
            for row in by_service
        ],
        "url": reverse("projects:index"),
    }
