"""Project work a person leaves behind (see ``sapat.handover``): the projects
they manage or are the referent of, their open tasks and decisions."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.handover import Provider, register
from sapat.history import attribute

from .models import OPEN_STATUSES, Decision, DecisionStatus, PlanItem, Project
from .selectors import OPEN_ITEM


def _managed(user):
    return Project.objects.filter(project_manager=user, status__in=OPEN_STATUSES)


def _referent(user):
    return Project.objects.filter(referent=user, status__in=OPEN_STATUSES)


def _tasks(user):
    return PlanItem.objects.filter(owner=user, status__in=OPEN_ITEM)


def _decisions(user):
    return Decision.objects.filter(owner=user, status=DecisionStatus.OPEN)


def _items(user) -> list[tuple[str, str]]:
    items = [
        (_("Manages %(project)s") % {"project": p}, p.get_absolute_url())
        for p in _managed(user)
    ]
    items += [
        (_("Referent of %(project)s") % {"project": p}, p.get_absolute_url())
        for p in _referent(user)
    ]
    items += [(t.title, t.get_absolute_url()) for t in _tasks(user)]
    items += [(str(d), d.get_absolute_url()) for d in _decisions(user)]
    return items


def _move(queryset, field: str, *, to_user, actor) -> list:
    moved = []
    for obj in queryset.select_for_update():
        setattr(obj, field, to_user)
        attribute(
            obj,
            actor=actor,
            reason=_("Handed over to %(name)s") % {"name": to_user.get_full_name()},
        )
        obj.save(update_fields=[field])
        moved.append(obj)
    return moved


@transaction.atomic
def projects_hand_over(*, from_user, to_user, actor) -> int:
    """Reassign the open project work of ``from_user`` to ``to_user``; the
    team's object permissions follow the new project manager or referent."""
    from .services import sync_team_permissions

    projects = _move(
        _managed(from_user), "project_manager", to_user=to_user, actor=actor
    )
    projects += _move(_referent(from_user), "referent", to_user=to_user, actor=actor)
    for project in projects:
        sync_team_permissions(project)
    moved = len(projects)
    moved += len(_move(_tasks(from_user), "owner", to_user=to_user, actor=actor))
    moved += len(_move(_decisions(from_user), "owner", to_user=to_user, actor=actor))
    return moved


PROVIDER = register(
    Provider(
        key="projects.work",
        label=gettext_lazy("Projects, tasks and decisions"),
        open_items=_items,
        hand_over=projects_hand_over,
    )
)
