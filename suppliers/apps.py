from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sapat.registry import MenuEntry


class SuppliersConfig(AppConfig):
    name = "suppliers"
    label = "suppliers"
    verbose_name = _("suppliers")
    menu = MenuEntry(
        label=_("Suppliers"),
        url_name="suppliers:index",
        icon="bi-truck",
        order=70,
        procedures=("ДЖ-11",),
    )
    summary = _(
        "Purchasing: supplier evaluation, the approved suppliers list updated every "
        "year and the trainers list reviewed every quarter."
    )
    responsibilities = _(
        "The quality manager collects proposals; the director approves the suppliers "
        "list and reviews the trainers list."
    )

    def ready(self) -> None:
        from sapat import search

        from .search import search_suppliers

        search.register(
            "supplier",
            _("Suppliers"),
            search_suppliers,
            order=70,
            list_url=("suppliers:supplier_list", "q"),
        )
