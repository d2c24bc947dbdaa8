"""``{% approval_panel obj %}``: the agreement sheet on every approvable page."""

from django import template
from django.contrib.contenttypes.models import ContentType

from sapat.access import can

from .. import selectors, services
from ..forms import ReturnForm, RouteStartForm, SignForm
from ..models import ApprovalStatus, Meaning

register = template.Library()


@register.inclusion_tag("signing/_approval_panel.html", takes_context=True)
def approval_panel(context, obj):
    user = context["request"].user
    routes = list(selectors.routes_of(obj))
    current = next((r for r in routes if r.is_open), None)
    mine = []
    if current is not None:
        for step in services.active_steps(current):
            if step.signer_id == user.pk or (
                step.meaning == Meaning.APPROVED
                and services.acting_delegation(deputy=user, principal=step.signer)
            ):
                mine.append(step)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "object": obj,
        "content_type_id": ContentType.objects.get_for_model(obj).pk,
        "routes": routes,
        "current": current,
        "my_steps": mine,
        "can_start": obj.approval_status == ApprovalStatus.DRAFT
        and can(user, "change", obj),
        "can_cancel": current is not None
        and (current.started_by_id == user.pk or can(user, "change", obj)),
        "signatures": services.manifest(obj),
        "pdfs": list(selectors.pdfs_of(obj)),
        "start_form": RouteStartForm(),
        "sign_form": SignForm(),
        "return_form": ReturnForm(),
    }


@register.simple_tag
def approval_badge_class(status: str) -> str:
    return {
        ApprovalStatus.DRAFT: "text-bg-secondary",
        ApprovalStatus.AGREEMENT: "text-bg-info",
        ApprovalStatus.APPROVAL: "text-bg-warning",
        ApprovalStatus.APPROVED: "text-bg-success",
        ApprovalStatus.SUPERSEDED: "text-bg-light border",
    }.get(status, "text-bg-secondary")
