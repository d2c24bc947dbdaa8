"""The two steps every state change of a QMS object starts with.

A lifecycle is a status field and a table of allowed moves beside its model
(``transitions = {old: frozenset({new, ...})}``); services lock the row,
then :func:`move` it, so a move the table does not allow is refused with
the same message everywhere.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


def lock(obj: models.Model) -> models.Model:
    """The row of ``obj`` again, locked until the transaction ends."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def check(
    obj: models.Model,
    new_status: str,
    *,
    field: str = "status",
    transitions: dict[str, frozenset[str]] | None = None,
) -> None:
    """Refuse unless ``obj.<field>`` may go to ``new_status``; change nothing.

    The table is ``transitions`` or the model's own ``transitions``. Raises
    ``ValidationError`` (code ``transition``) naming both statuses in the
    user's language. For a service that must check a move before other
    validation and set the status later; otherwise use :func:`move`.
    """
    table = obj.transitions if transitions is None else transitions
    old = getattr(obj, field)
    if new_status not in table.get(old, frozenset()):
        labels = dict(type(obj)._meta.get_field(field).flatchoices)
        raise ValidationError(
            _("This cannot go from “%(old)s” to “%(new)s”.")
            % {"old": labels.get(old, old), "new": labels.get(new_status, new_status)},
            code="transition",
        )


def move(
    obj: models.Model,
    new_status: str,
    *,
    field: str = "status",
    transitions: dict[str, frozenset[str]] | None = None,
) -> None:
    """Set ``obj.<field>`` to ``new_status`` if its table allows the move
    (see :func:`check`); nothing is saved here."""
    check(obj, new_status, field=field, transitions=transitions)
    setattr(obj, field, new_status)
