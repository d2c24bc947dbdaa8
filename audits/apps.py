from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sapat.registry import MenuEntry


class AuditsConfig(AppConfig):
    name = "audits"
    label = "audits"
    verbose_name = _("audits and review")
    menu = MenuEntry(
        label=_("Audits and review"),
        url_name="audits:index",
        icon="bi-clipboard-check",
        order=90,
        procedures=("ДЖ-06", "ДЖ-07", "ДЖ-10"),
    )
    summary = _(
        "Internal audits by the annual plan, the management review with its "
        "improvement plan, and the annual self-assessment."
    )
    responsibilities = _(
        "The quality manager plans the audits; the director holds the management "
        "review."
    )

    def ready(self) -> None:
        from sapat import search

        from .search import search_audits

        search.register(
            "audit",
            _("Internal audits"),
            search_audits,
            order=40,
            list_url=("audits:audit_list", "q"),
        )

        from sapat import handover
        from sapat.quality import evidence

        from . import review_inputs, selectors, services

        evidence.register("audit", selectors.audits_per_clause)
        handover.register(
            handover.Provider(
                key="audits.open_work",
                label=_("Internal audits led and review decisions"),
                open_items=services.open_work,
                hand_over=services.hand_over,
            )
        )
        for key, label, provider, order in (
            ("audits", _("Internal audit results"), selectors.input_audits, 10),
            (
                "capa",
                _("Nonconformities, complaints and corrective and preventive actions"),
                selectors.input_capa,
                20,
            ),
            ("kpis", _("Process performance (KPIs)"), selectors.input_kpis, 30),
            ("suppliers", _("Supplier analysis"), selectors.input_suppliers, 50),
            (
                "self_assessment",
                _("Self-assessment"),
                selectors.input_self_assessment,
                70,
            ),
            (
                "previous",
                _("Actions from previous reviews"),
                selectors.input_previous,
                80,
            ),
            (
                "documents",
                _("Changes that could affect the QMS"),
                selectors.input_documents,
                90,
            ),
            (
                "personnel",
                _("Resources: internal auditors"),
                selectors.input_personnel,
                95,
            ),
        ):
            review_inputs.register(key, label, provider, order=order)
