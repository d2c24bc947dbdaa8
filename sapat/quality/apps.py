from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sapat.registry import MenuEntry


class QualityConfig(AppConfig):
    name = "sapat.quality"
    label = "quality"
    verbose_name = _("quality")
    menu = MenuEntry(
        label=_("Quality"),
        url_name="quality:index",
        icon="bi-bullseye",
        order=10,
        procedures=("§4.1", "§5.3", "§5.4", "§8.2.3"),
    )
    summary = _(
        "Quality policy, objectives, KPIs with targets and measurements, process cards"
        " and the ISO 9001 clause register."
    )
    responsibilities = _(
        "The director approves the policy and the objectives; the council of founders "
        "develops the objectives; process owners agree their cards."
    )

    def ready(self) -> None:
        from sapat.registry import DashboardBlock, dashboard

        from . import evidence
        from .dashboard import kpi_block
        from .selectors import approved_process_cards_per_clause

        evidence.register("document", approved_process_cards_per_clause)
        dashboard.register(
            DashboardBlock(
                key="quality.kpis",
                template="quality/_kpi_block.html",
                context=kpi_block,
                order=20,
            )
        )
