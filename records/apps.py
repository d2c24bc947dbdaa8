from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sapat.registry import MenuEntry


class RecordsConfig(AppConfig):
    name = "records"
    label = "records"
    verbose_name = _("records")
    menu = MenuEntry(
        label=_("Records"),
        url_name="records:index",
        icon="bi-archive",
        order=30,
        procedures=("ДЖ-02",),
    )
    summary = _(
        "Records that prove the work was done: the nomenclature of files with "
        "retention periods, storage, protection, disposal and backups."
    )
    responsibilities = _(
        "The quality manager (with the office manager) keeps the nomenclature; the "
        "system administrator keeps the backups."
    )

    def ready(self) -> None:
        from sapat import search

        from .search import search_records

        search.register(
            "record",
            _("Records"),
            search_records,
            order=20,
            list_url=("records:record_list", "q"),
        )

        from sapat.signing.signals import pdf_ready

        def _file(sender, instance, pdf, **kwargs):
            from .services import file_signed_pdf

            file_signed_pdf(obj=instance, pdf=pdf)

        pdf_ready.connect(_file, weak=False, dispatch_uid="records.file_signed_pdf")
