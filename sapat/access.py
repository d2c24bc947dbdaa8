"""Object-level access: one helper every list, search and download uses.

Model permissions come from the role groups; django-guardian adds object
permissions where the manual restricts single objects (the development
concept, a project's client documents). :func:`visible_to` filters in SQL,
so no view loops over rows asking ``has_perm``.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet
from guardian.shortcuts import get_objects_for_user
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model


def perm_name(model: type[Model], action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def visible_to(user, queryset: QuerySet, *, action: str = "view") -> QuerySet:
    """The rows of ``queryset`` on which ``user`` has the ``action`` permission.

    A model permission (from a role group) shows every row; otherwise only the
    rows granted to the user or one of their groups object by object. Inactive
    and anonymous users see nothing.

    For models with guardian's direct-foreign-key permission tables (all of
    ours), the filter is two plain subqueries; guardian's generic
    ``get_objects_for_user`` is kept for the others. Both are one SQL query.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    model = queryset.model
    if user.is_superuser or user.has_perm(perm_name(model, action)):
        return queryset
    user_perms = get_user_obj_perms_model(model)
    group_perms = get_group_obj_perms_model(model)
    if user_perms.objects.is_generic() or group_perms.objects.is_generic():
        return get_objects_for_user(
            user,
            perm_name(model, action),
            klass=queryset,
            accept_global_perms=False,
            with_superuser=False,
        )
    permission = {
        "permission__codename": f"{action}_{model._meta.model_name}",
        "permission__content_type__app_label": model._meta.app_label,
    }
    granted_to_user = user_perms.objects.filter(user=user, **permission).values(
        "content_object"
    )
    granted_to_groups = group_perms.objects.filter(
        group__in=user.groups.all(), **permission
    ).values("content_object")
    return queryset.filter(Q(pk__in=granted_to_user) | Q(pk__in=granted_to_groups))


def can(user, action: str, obj: Model) -> bool:
    """Whether ``user`` may ``action`` this one object (model or object perm)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    perm = perm_name(type(obj), action)
    return user.has_perm(perm) or user.has_perm(perm, obj)
