"""The audit trail: who changed what, when and why.

Services call :func:`attribute` before ``save()`` so the historical row names
the actor even outside a request (Celery tasks, commands). Detail pages show
:func:`history_rows` through ``{% history_tab obj %}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

HISTORY_TYPES = {
    "+": pgettext_lazy("history", "created"),
    "~": pgettext_lazy("history", "changed"),
    "-": pgettext_lazy("history", "deleted"),
}


def attribute(instance: models.Model, *, actor, reason: str = "") -> models.Model:
    """Make the next history row of ``instance`` name ``actor`` and ``reason``."""
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    return instance


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    when: datetime
    who: object
    kind: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _tracked_fields(model, history_model) -> list[models.Field]:
    """Fields of ``model`` that its history keeps (some are excluded)."""
    kept = {f.attname for f in history_model._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname in kept and not f.primary_key
    ]


def _display(field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        target = related.get(field.name, {}).get(value)
        return str(target) if target is not None else f"#{value}"
    if isinstance(field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "…"


def history_rows(instance: models.Model, *, limit: int = 50) -> list[HistoryRow]:
    """The newest ``limit`` history rows of ``instance`` with field changes.

    A fixed number of queries: the rows with their users, then one query per
    foreign key that changed, whatever the number of rows.
    """
    records = list(
        instance.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )[: limit + 1]
    )
    model_fields = _tracked_fields(instance._meta.model, instance.history.model)
    names = [f.attname for f in model_fields]

    # Gather the foreign-key ids shown, to fetch each target model once.
    fk_ids: dict[str, set] = {}
    for f in model_fields:
        if isinstance(f, models.ForeignKey):
            fk_ids[f.name] = {
                getattr(r, f.attname) for r in records if getattr(r, f.attname)
            }
    related = {
        name: f.related_model._default_manager.in_bulk(ids)
        for f in model_fields
        if isinstance(f, models.ForeignKey) and (ids := fk_ids.get(name := f.name))
    }

    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(rows) == limit:
            break
        changes = []
        if older is not None and newer.history_type == "~":
            for f, attname in zip(model_fields, names, strict=True):
                before, after = getattr(older, attname), getattr(newer, attname)
                if before != after:
                    changes.append(
                        FieldChange(
                            label=str(f.verbose_name),
                            old=_display(f, before, related),
                            new=_display(f, after, related),
                        )
                    )
        rows.append(
            HistoryRow(
                when=newer.history_date,
                who=newer.history_user,
                kind=str(HISTORY_TYPES.get(newer.history_type, newer.history_type)),
                reason=newer.history_change_reason or "",
                changes=changes,
            )
        )
    return rows
