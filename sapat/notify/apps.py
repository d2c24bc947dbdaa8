from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "sapat.notify"
    label = "notify"
    verbose_name = _("notifications")

    def ready(self) -> None:
        from sapat.registry import DashboardBlock, dashboard

        from . import events  # noqa: F401 - registers the events
        from .selectors import unread_block

        dashboard.register(
            DashboardBlock(
                key="notify.unread",
                template="notify/_unread_block.html",
                context=unread_block,
                order=10,
            )
        )
