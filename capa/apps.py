from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sapat.registry import MenuEntry


class CapaConfig(AppConfig):
    name = "capa"
    label = "capa"
    verbose_name = _("nonconformities and actions")
    menu = MenuEntry(
        label=_("Nonconformities and actions"),
        url_name="capa:index",
        icon="bi-exclamation-triangle",
        order=40,
        procedures=("ДЖ-03", "ДЖ-04", "ДЖ-05"),
    )
    summary = _(
        "Nonconforming service found at project and seminar control points, "
        "corrections, corrective and preventive actions and the CAPA plan."
    )
    responsibilities = _(
        "The director or the quality manager keeps and controls the CAPA plan; the "
        "employee named in it is responsible for each action."
    )

    def ready(self) -> None:
        from sapat import search

        from .search import search_actions, search_nonconformities

        search.register(
            "nonconformity",
            _("Nonconformities"),
            search_nonconformities,
            order=30,
            list_url=("capa:nonconformity_list", "q"),
        )
        search.register(
            "action",
            _("Corrective and preventive actions"),
            search_actions,
            order=35,
            list_url=("capa:action_list", "q"),
        )

        from sapat.registry import DashboardBlock, dashboard

        from . import handover  # noqa: F401 - registers the open work
        from .dashboard import my_work_block

        dashboard.register(
            DashboardBlock(
                key="capa.my_work",
                template="capa/_my_work.html",
                context=my_work_block,
                order=30,
            )
        )
