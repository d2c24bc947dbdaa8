#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sapat.settings.dev")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from sapat.settings.env import ConfigError

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings now
    except ConfigError as exc:
        sys.exit(f"sapat: configuration error: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
