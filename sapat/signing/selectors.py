"""Read queries of signing used by several pages."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Prefetch, Q
from django.utils import timezone

from .models import ApprovalRoute, RouteStatus, RouteStep, SignedPDF, StepStatus
from .services import active_steps


def routes_of(obj: Model):
    return (
        ApprovalRoute.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("started_by")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=RouteStep.objects.select_related(
                    "signer", "signature", "signature__acting_for"
                ),
            )
        )
        .order_by("-started_at", "-id")
    )


def pdfs_of(obj: Model):
    return SignedPDF.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).order_by("-created_at", "-id")


def awaiting_signature(*, user) -> list[RouteStep]:
    """Steps ``user`` may sign now, themselves or as an acting deputy."""
    today = timezone.localdate()
    principals = user.delegations_received.filter(
        revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today
    ).values("principal")
    candidates = (
        RouteStep.objects.filter(
            status=StepStatus.PENDING,
            route__status__in=[RouteStatus.AGREEMENT, RouteStatus.APPROVAL],
        )
        .filter(Q(signer=user) | Q(signer__in=principals, meaning="approved"))
        .select_related("route", "route__content_type", "signer")
        .prefetch_related("route__steps", "route__content_object")
        .order_by("route__started_at")
    )
    return [
        step
        for step in candidates
        if step.pk in {s.pk for s in active_steps(step.route)}
    ]
