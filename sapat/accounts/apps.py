from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sapat.accounts"
    label = "accounts"
    verbose_name = _("people and organisation")

    def ready(self) -> None:
        from sapat.registry import DashboardBlock, dashboard

        from .dashboard import my_roles_block

        dashboard.register(
            DashboardBlock(
                key="accounts.my_roles",
                template="accounts/_my_roles_block.html",
                context=my_roles_block,
                order=900,
            )
        )
