"""The management review's inputs (§5.6.2), compiled from the registers.

The review never types its inputs: each app registers a provider that
returns the figures of a period, so this module imports no app. Register in
your app's ``AppConfig.ready``::

    from audits import review_inputs

    def complaints_input(period: review_inputs.Period) -> review_inputs.Section:
        rows = Complaint.objects.filter(received_on__range=(period.start, period.end))
        return review_inputs.Section(
            figures=[(gettext("complaints received"), rows.count())],
            headers=[gettext("Client"), gettext("Status")],
            rows=[[c.client, c.get_status_display()] for c in rows[:50]],
        )

    review_inputs.register("complaints", gettext_lazy("Complaints"), complaints_input,
                           order=20)

``provider(period)`` takes a :class:`Period` (``year``; ``month`` for an
operational review, ``None`` for the strategic one; ``start`` and ``end``
dates) and returns a :class:`Section` (or a plain dict with the same keys):
``figures`` — a list of ``(label, number)``; optionally ``headers`` and
``rows`` (lists of cell values) for a table, ``note`` and ``url`` (where the
register is). A provider must run a fixed number of queries. Keys already
used: ``audits``, ``capa``, ``kpis``, ``suppliers``, ``previous``,
``documents``, ``self_assessment``, ``personnel``. Expected from the apps
being built: ``complaints`` and ``satisfaction`` (Satisfaction), ``feedback``
(customer feedback), ``trainings`` (seminar and trainer evaluations),
``projects`` (Projects).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def end(self) -> date:
        if self.month:
            return date(
                self.year, self.month, calendar.monthrange(self.year, self.month)[1]
            )
        return date(self.year, 12, 31)


@dataclass
class Section:
    figures: list[tuple[str, object]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)
    note: str = ""
    url: str = ""


@dataclass(frozen=True)
class Input:
    key: str
    label: str
    provider: Callable[[Period], Section | dict]
    order: int = 100


_INPUTS: dict[str, Input] = {}


def register(
    key: str, label, provider: Callable[[Period], Section | dict], *, order: int = 100
) -> Input:
    """Add (or replace, by key) an input section of the review."""
    entry = Input(key=key, label=label, provider=provider, order=order)
    _INPUTS[key] = entry
    return entry


def inputs() -> list[Input]:
    return sorted(_INPUTS.values(), key=lambda i: (i.order, i.key))


def compile_inputs(period: Period) -> list[tuple[Input, Section]]:
    """Every registered input with its section for ``period``."""
    result = []
    for entry in inputs():
        section = entry.provider(period)
        if isinstance(section, dict):
            section = Section(**section)
        result.append((entry, section))
    return result
