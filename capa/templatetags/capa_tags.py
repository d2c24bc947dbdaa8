"""Badges of the CAPA pages."""

from django import template

register = template.Library()

_NC = {
    "open": "text-bg-danger",
    "contained": "text-bg-warning",
    "analysis": "text-bg-info",
    "planned": "text-bg-primary",
    "closed": "text-bg-success",
    "rejected": "text-bg-light border",
}
_ACTION = {
    "planned": "text-bg-secondary",
    "in_progress": "text-bg-primary",
    "implemented": "text-bg-info",
    "check": "text-bg-warning",
    "effective": "text-bg-success",
    "not_effective": "text-bg-danger",
}
_SEVERITY = {
    "minor": "text-bg-light border",
    "major": "text-bg-warning",
    "critical": "text-bg-danger",
}


@register.simple_tag
def nc_badge_class(status: str) -> str:
    return _NC.get(status, "text-bg-secondary")


@register.simple_tag
def action_badge_class(status: str) -> str:
    return _ACTION.get(status, "text-bg-secondary")


@register.simple_tag
def severity_badge_class(severity: str) -> str:
    return _SEVERITY.get(severity, "text-bg-light border")
