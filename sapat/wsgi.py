"""WSGI entry point for gunicorn."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from sapat.settings.env import ConfigError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapat.settings.prod")

try:
    application = get_wsgi_application()
except ConfigError as exc:
    sys.exit(f"sapat: configuration error: {exc}")
