"""CAPA work a person leaves behind (see ``sapat.handover``): the actions
they own or are to check, their tasks, the nonconformities they handle."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapat.handover import Provider, register
from sapat.history import attribute

from .models import (
    ACTION_OPEN,
    NONCONFORMITY_OPEN,
    Action,
    ActionStatus,
    ActionTask,
    Nonconformity,
)


def _open_actions(**lookup):
    return Action.objects.filter(status__in=ACTION_OPEN, **lookup)


def _open_tasks(user):
    return ActionTask.objects.filter(
        owner=user,
        done_at__isnull=True,
        action__status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
    ).select_related("action")


def _open_ncs(user):
    return Nonconformity.objects.filter(responsible=user, status__in=NONCONFORMITY_OPEN)


def _items(user) -> list[tuple[str, str]]:
    items = [(str(a), a.get_absolute_url()) for a in _open_actions(owner=user)]
    items += [
        (_("To check: %(action)s") % {"action": a}, a.get_absolute_url())
        for a in _open_actions(checker=user)
    ]
    items += [
        (f"{t.action.code}: {t.title}", t.action.get_absolute_url())
        for t in _open_tasks(user)
    ]
    items += [(str(nc), nc.get_absolute_url()) for nc in _open_ncs(user)]
    return items


def _move(queryset, field: str, *, to_user, actor) -> int:
    moved = 0
    for obj in queryset.select_for_update():
        setattr(obj, field, to_user)
        changed = [field]
        if isinstance(obj, Action) and obj.owner_id == obj.checker_id:
            # Nobody checks their own action: whoever hands the work over
            # becomes the checker (the quality manager may name another).
            if actor is None or actor.pk == obj.owner_id:
                raise ValidationError(
                    _("%(action)s would be checked by its own owner: name another.")
                    % {"action": obj}
                )
            obj.checker = actor
            changed.append("checker")
        attribute(
            obj,
            actor=actor,
            reason=_("Handed over to %(name)s") % {"name": to_user.get_full_name()},
        )
        obj.save(update_fields=changed)
        moved += 1
    return moved


@transaction.atomic
def capa_hand_over(*, from_user, to_user, actor) -> int:
    """Reassign the open CAPA work of ``from_user`` to ``to_user``.

    Where the successor would become both owner and checker of an action,
    the actor becomes its checker. Raises ``ValidationError`` if that would
    still leave an owner checking their own action.
    """
    moved = _move(_open_actions(owner=from_user), "owner", to_user=to_user, actor=actor)
    moved += _move(
        _open_actions(checker=from_user), "checker", to_user=to_user, actor=actor
    )
    moved += _move(
        ActionTask.objects.filter(pk__in=_open_tasks(from_user).values("pk")),
        "owner",
        to_user=to_user,
        actor=actor,
    )
    moved += _move(_open_ncs(from_user), "responsible", to_user=to_user, actor=actor)
    return moved


PROVIDER = register(
    Provider(
        key="capa.work",
        label=gettext_lazy("Nonconformities and actions"),
        open_items=_items,
        hand_over=capa_hand_over,
    )
)
