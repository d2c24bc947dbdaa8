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

    def ready(self) -> None:
        from sapat import search

        from .search import search_seminars

        search.register(
            "seminar",
            _("Seminars"),
            search_seminars,
            order=60,
            list_url=("training:seminar_list", "q"),
        )

        from django.db.models.signals import post_save

        from sapat.handover import deactivated
        from sapat.signing.models import Meaning, Signature

        from . import services  # noqa: F401 - registers the notification events
        from .handover import on_deactivated, register_providers

        register_providers()

        from documents.signals import revision_in_force

        from .services import seminars

        def _revision_in_force(sender, revision, **kwargs):
            seminars.revision_impact(revision=revision)

        revision_in_force.connect(
            _revision_in_force, weak=False, dispatch_uid="training.revision_impact"
        )
        deactivated.connect(
            on_deactivated, weak=False, dispatch_uid="training.close_staff_file"
        )

        def _acknowledged(sender, instance, created, **kwargs):
            if not created or instance.meaning != Meaning.ACKNOWLEDGED:
                return
            from django.contrib.contenttypes.models import ContentType

            content_type = ContentType.objects.get_for_id(instance.content_type_id)
            if content_type.model_class() is None or (
                content_type.app_label,
                content_type.model,
            ) != ("documents", "documentrevision"):
                return
            from .services.personnel import on_acknowledged

            on_acknowledged(signer_id=instance.signer_id)

        post_save.connect(
            _acknowledged,
            sender=Signature,
            weak=False,
            dispatch_uid="training.induction_acknowledged",
        )
