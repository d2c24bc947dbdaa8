"""What apps contribute to the shared pages, without those pages importing them.

An app declares its navbar entry as ``menu`` on its ``AppConfig`` and registers
its "My work" block in ``AppConfig.ready()``::

    from sapat.registry import DashboardBlock, dashboard

    dashboard.register(DashboardBlock(key="capa", template="capa/_my_work.html",
                                      context=my_work_context, order=30))

The dashboard renders every registered block whose ``context(request)``
returns a dict; returning ``None`` hides the block for that user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.http import HttpRequest


@dataclass(frozen=True)
class MenuEntry:
    """One navbar entry: the app's landing page."""

    label: str
    url_name: str
    icon: str = "bi-folder"
    order: int = 100
    #: Procedures of the Quality Manual the app implements, e.g. ("ДЖ-01",).
    procedures: tuple[str, ...] = ()
    #: Permission needed to see the entry; ``None`` shows it to all staff.
    permission: str | None = None


@dataclass(frozen=True)
class DashboardBlock:
    key: str
    template: str
    context: Callable[[HttpRequest], dict | None]
    order: int = 100


@dataclass
class Dashboard:
    blocks: dict[str, DashboardBlock] = field(default_factory=dict)

    def register(self, block: DashboardBlock) -> None:
        self.blocks[block.key] = block

    def render_list(self, request: HttpRequest) -> list[tuple[str, dict]]:
        """``(template, context)`` for each block the user should see."""
        shown = []
        for block in sorted(self.blocks.values(), key=lambda b: (b.order, b.key)):
            context = block.context(request)
            if context is not None:
                shown.append((block.template, context))
        return shown


dashboard = Dashboard()


def menu_entries(user) -> list[tuple[str, MenuEntry]]:
    """``(app_label, entry)`` pairs of the navbar, in order, for ``user``."""
    entries = [
        (config.label, config.menu)
        for config in apps.get_app_configs()
        if isinstance(getattr(config, "menu", None), MenuEntry)
    ]
    visible = [
        (label, entry)
        for label, entry in entries
        if entry.permission is None or user.has_perm(entry.permission)
    ]
    return sorted(visible, key=lambda pair: (pair[1].order, pair[0]))
