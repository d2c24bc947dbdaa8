"""Local development: ``make run``."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", default=True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
