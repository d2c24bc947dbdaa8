from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SapatConfig(AppConfig):
    """The project package: dashboard, navigation, shared template tags."""

    name = "sapat"
    label = "sapat"
    verbose_name = _("Sapat portal")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_after_migrate, dispatch_uid="sapat.after_migrate")


def _after_migrate(app_config, **kwargs) -> None:
    """Sync role permissions and beat schedules once, after the last app.

    Django creates each app's permissions in its own ``post_migrate``; the
    last app's signal comes after all of them.
    """
    from django.apps import apps

    last = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    if app_config.label != last.label:
        return
    from sapat.accounts.services import roles_sync

    from .schedule import sync_schedules

    roles_sync()
    sync_schedules()
