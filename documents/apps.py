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
