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

    def ready(self) -> None:
        from sapat import search

        from .search import search_feedback

        search.register(
            "feedback",
            _("Feedback"),
            search_feedback,
            order=80,
            list_url=("satisfaction:feedback_list", "q"),
        )

        from . import services  # noqa: F401 - registers the notification events
        from .signals import on_project_closed

        self._register_review_inputs()
        try:
            from projects.signals import project_closed
        except ImportError:  # Projects not built yet
            return
        project_closed.connect(
            on_project_closed, dispatch_uid="satisfaction.project_closed"
        )

    def _register_review_inputs(self) -> None:
        try:
            from audits import review_inputs
        except ImportError:  # Audits not built yet
            return
        from .review import complaints_input, satisfaction_input

        review_inputs.register(
            "complaints", _("Complaints"), complaints_input, order=20
        )
        review_inputs.register(
            "satisfaction", _("Customer satisfaction"), satisfaction_input, order=21
        )
