from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    """Approval routes, e-signatures and signed PDFs (the quality core issue)."""

    name = "sapat.signing"
    label = "signing"
    verbose_name = _("signatures")
