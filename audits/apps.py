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
