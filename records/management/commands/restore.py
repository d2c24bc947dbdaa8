"""``manage.py restore ARCHIVE``: replace the database and media with a backup's."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from records.backup import (
    BackupError,
    backup_restore,
    backup_verify,
    migrations_behind,
)


class Command(BaseCommand):
    help = (
        "Replace the WHOLE database and the media with those of a "
        "sapat-backup-*.tar.gz archive. The archive is checked first; on any "
        "error nothing is changed. Everybody is logged out."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz to restore.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask for confirmation (required when not run in a terminal).",
        )

    def handle(self, *args, **options):
        archive = options["archive"]
        try:
            manifest = backup_verify(archive=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{archive.name}: made {manifest.created_at:%Y-%m-%d %H:%M:%S %Z} on "
            f"{manifest.database}, {manifest.rows} rows, {len(manifest.media)} "
            "media files."
        )
        behind = migrations_behind(manifest=manifest)
        if behind:
            self.stderr.write(
                "Warning: the archive predates migrations of "
                f"{', '.join(behind)}; its data are loaded into the newer "
                "tables, and what those migrations changed in the data is "
                "not redone."
            )
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Not a terminal: add --yes to replace the database and media."
                )
            answer = input(
                "This REPLACES the whole database and all media files. "
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            counts = backup_restore(archive=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {sum(counts.values())} rows in {len(counts)} tables and "
            f"{len(manifest.media)} media files from {archive}."
        )
