from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    """Approval routes, e-signatures, delegations and signed PDFs."""

    name = "sapat.signing"
    label = "signing"
    verbose_name = _("signatures")

    def ready(self) -> None:
        from sapat.registry import DashboardBlock, dashboard

        from .dashboard import inbox_block

        dashboard.register(
            DashboardBlock(
                key="signing.inbox",
                template="signing/_inbox_block.html",
                context=inbox_block,
                order=5,
            )
        )
