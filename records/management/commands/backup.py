"""``manage.py backup``: one archive of the database and the media, now."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from records.backup import BackupError, backup_create, backup_verify


class Command(BaseCommand):
    help = (
        "Write sapat-backup-YYYYmmdd-HHMMSS.tar.gz (the database and the media) "
        "to the backup folder, read it back to check it, and delete the oldest "
        "archives beyond --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            help="Folder of the archives (default: BACKUP_DIR, else var/backups).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=14,
            help="How many archives to keep, this one included (default: 14).",
        )

    def handle(self, *args, **options):
        if options["keep"] < 1:
            raise CommandError("--keep must be at least 1.")
        try:
            path = backup_create(directory=options["dir"], keep=options["keep"])
            # A backup is only as good as the last time it was read back.
            manifest = backup_verify(archive=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
        self.stdout.write(
            f"verified: {manifest.rows} rows in {len(manifest.counts)} tables, "
            f"{len(manifest.media)} media files ({manifest.media_size} bytes); "
            f"archive {path.stat().st_size} bytes"
        )
