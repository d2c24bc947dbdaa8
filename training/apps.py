from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sapat.registry import MenuEntry


class TrainingConfig(AppConfig):
    name = "training"
    label = "training"
    verbose_name = _("training and personnel")
    menu = MenuEntry(
        label=_("Training and personnel"),
        url_name="training:index",
        icon="bi-mortarboard",
        order=60,
        procedures=("ПК-03", "ДЖ-12"),
    )
    summary = _(
        "Corporate seminars from request to certificates, and the personnel: posts, "
        "competence, attestation, induction and the experts' qualification matrix."
    )
    responsibilities = _(
        "The trainer and the director control each seminar; the director gives the "
        "safety briefing, the director or the deputy the QMS briefing."
    )
