"""Read queries of the accounts app."""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sapat.access import visible_to

from .models import CalendarDay, User
from .roles import ROLES


def user_directory(*, viewer, search: str = "") -> QuerySet[User]:
    """Active staff visible to ``viewer``, with unit, for the directory."""
    queryset = visible_to(
        viewer, User.objects.filter(is_active=True).select_related("unit")
    )
    if search:
        queryset = queryset.filter(
            Q(full_name__icontains=search)
            | Q(post__icontains=search)
            | Q(email__icontains=search)
            | Q(unit__name_ky__icontains=search)
            | Q(unit__name_ru__icontains=search)
        )
    return queryset.prefetch_related("groups")


def authority_matrix() -> dict:
    """Roles × permissions, from the groups as they are in the database.

    Returns ``{"roles": [...], "sections": [(app verbose name, [(perm name,
    [bool per role])])]}``; three queries whatever the number of roles.
    """
    groups = {
        g.name: g for g in Group.objects.filter(name__in=[r.group_name for r in ROLES])
    }
    roles = [role for role in ROLES if role.group_name in groups]
    granted = defaultdict(set)
    through = Group.permissions.through.objects.filter(
        group__name__in=[r.group_name for r in roles]
    ).values_list("group__name", "permission_id")
    for group_name, permission_id in through:
        granted[permission_id].add(group_name)
    permissions = (
        Permission.objects.filter(pk__in=list(granted))
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )
    sections: dict[str, list] = defaultdict(list)

    for perm in permissions:
        app_label = perm.content_type.app_label
        try:
            section = str(apps.get_app_config(app_label).verbose_name)
        except LookupError:
            section = app_label
        sections[section].append(
            (
                permission_label(perm),
                [role.group_name in granted[perm.pk] for role in roles],
            )
        )
    return {"roles": roles, "sections": sorted(sections.items())}


_ACTIONS = {
    "view": _("view"),
    "add": _("add"),
    "change": _("change"),
    "delete": _("delete"),
}


def permission_label(perm: Permission) -> str:
    """A permission's name in the active language."""
    action, _sep, model_name = perm.codename.partition("_")
    try:
        model = apps.get_model(perm.content_type.app_label, perm.content_type.model)
    except LookupError:
        model = None
    if (
        action in _ACTIONS
        and model is not None
        and model_name == model._meta.model_name
    ):
        return f"{_ACTIONS[action]}: {model._meta.verbose_name}"
    return gettext(perm.name)


def calendar_year(*, year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(date__year=year)
