from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sapat.registry import MenuEntry


class DocumentsConfig(AppConfig):
    name = "documents"
    label = "documents"
    verbose_name = _("documents")
    menu = MenuEntry(
        label=_("Documents"),
        url_name="documents:index",
        icon="bi-file-earmark-text",
        order=20,
        procedures=("ДЖ-01", "РИ-05"),
    )
    summary = _(
        "Every document of the QMS from draft to obsolete: agreement, approval by the "
        "director, issue, acknowledgement, paper copies, periodic review; external "
        "normative documents."
    )
    responsibilities = _(
        "The director approves; the director or the quality manager announces "
        "documents in force; all staff read them."
    )

    def ready(self) -> None:
        from sapat import search

        from .search import global_search

        search.register(
            "document",
            _("Documents"),
            global_search,
            order=10,
            list_url=("documents:index", "q"),
        )

        from sapat.quality import evidence
        from sapat.registry import DashboardBlock, dashboard
        from sapat.signing.signals import approved

        from .dashboard import to_acknowledge_block
        from .selectors import documents_per_clause
        from .services.register import link_structured

        def _list_approved(sender, instance, actor, **kwargs):
            link_structured(obj=instance, actor=actor)

        approved.connect(
            _list_approved, weak=False, dispatch_uid="documents.link_structured"
        )
        evidence.register("document", documents_per_clause)
        dashboard.register(
            DashboardBlock(
                key="documents.to_acknowledge",
                template="documents/_acknowledge_block.html",
                context=to_acknowledge_block,
                order=15,
            )
        )
