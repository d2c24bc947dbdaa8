"""Object-level access: one helper every list, search and download uses.

Model permissions come from the role groups; django-guardian adds object
permissions where the manual restricts single objects (the development
concept, a project's client documents). :func:`visible_to` filters in SQL,
so no view loops over rows asking ``has_perm``.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from guardian.shortcuts import get_objects_for_user


def perm_name(model: type[Model], action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def visible_to(user, queryset: QuerySet, *, action: str = "view") -> QuerySet:
    """The rows of ``queryset`` on which ``user`` has the ``action`` permission.

    A model permission (from a role group) shows every row; otherwise only the
    rows granted to the user or one of their groups object by object. Inactive
    and anonymous users see nothing.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    return get_objects_for_user(
        user,
        perm_name(queryset.model, action),
        klass=queryset,
        accept_global_perms=True,
        with_superuser=True,
    )


def can(user, action: str, obj: Model) -> bool:
    """Whether ``user`` may ``action`` this one object (model or object perm)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    perm = perm_name(type(obj), action)
    return user.has_perm(perm) or user.has_perm(perm, obj)
