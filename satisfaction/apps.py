from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sapat.registry import MenuEntry


class SatisfactionConfig(AppConfig):
    name = "satisfaction"
    label = "satisfaction"
    verbose_name = _("satisfaction and feedback")
    menu = MenuEntry(
        label=_("Satisfaction and feedback"),
        url_name="satisfaction:index",
        icon="bi-chat-heart",
        order=80,
        procedures=("ДЖ-09",),
    )
    summary = _(
        "Client and trainee satisfaction: questionnaires, complaints to the director, "
        "suggestions from the public feedback form and their weekly review."
    )
    responsibilities = _(
        "Referents monitor satisfaction; the quality manager reviews feedback weekly "
        "and systematises the data before the management review."
    )
