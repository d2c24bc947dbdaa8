"""Protection against loss (manual §4.2.4, §7.5.5): backups of the portal.

One archive holds everything needed to bring the portal back after a lost
disk or a bad mistake: the whole database and every stored file. It is a
gzip-compressed tar named ``sapat-backup-YYYYmmdd-HHMMSS.tar.gz`` (UTC) with

``data.json``
    the database as ``dumpdata`` writes it: every app but sessions, content
    types and permissions included, plain primary keys (no natural keys), so
    a restore brings back every id and everything that points at one
    (generic relations, object permissions, history rows, signatures);
``media/<path>``
    every file under ``MEDIA_ROOT``;
``manifest.json``
    written last: what made the archive (format, Django, database, installed
    apps, the latest applied migration of each app), the rows per model, and
    the size and SHA-256 of ``data.json`` and of every media file.

:func:`backup_verify` reads an archive from start to end and checks it
without changing anything; :func:`backup_restore` replaces the database and
the media with an archive's, all or nothing. Archives hold every record and
the password hashes: they are written readable by their owner only.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO

import django
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FORMAT = "sapat-backup"
VERSION = 1
SUPPORTED_VERSIONS = frozenset({1})
#: Left out of the archive; a restore empties them (everybody logs in again).
EXCLUDED_APPS = ("sessions",)
PREFIX = "sapat-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA = "media"
#: Temporary folders of a restore, beside MEDIA_ROOT (or inside it when it is
#: a mount point); backups skip them.
STAGING_PREFIX = ".sapat-restore-"

_ARCHIVE_NAME = re.compile(
    r"^sapat-backup-(\d{8})-(\d{6})(?:-(\d{6}))?(?:-(\d+))?\.tar\.gz$"
)
_CHUNK = 1024 * 1024
_MAX_MANIFEST = 64 * 1024 * 1024


class BackupError(Exception):
    """An archive cannot be made, read or restored; the message says why."""


@dataclass(frozen=True)
class FileEntry:
    """A file in the archive: ``data.json``, or a path under MEDIA_ROOT."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What ``manifest.json`` says about an archive."""

    created_at: datetime
    django_version: str
    database: str
    apps: tuple[str, ...]
    #: app label -> name of its latest applied migration
    migrations: dict[str, str]
    #: ``app_label.Model`` -> rows (many-to-many tables included)
    counts: dict[str, int]
    data: FileEntry
    media: tuple[FileEntry, ...]
    format: str = FORMAT
    version: int = VERSION

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def media_size(self) -> int:
        return sum(entry.size for entry in self.media)

    def to_json(self) -> dict:
        return {
            "format": self.format,
            "version": self.version,
            "created_at": self.created_at.isoformat(),
            "django": self.django_version,
            "database": self.database,
            "apps": list(self.apps),
            "migrations": dict(sorted(self.migrations.items())),
            "counts": dict(sorted(self.counts.items())),
            "data": _entry_json(self.data),
            "media": [_entry_json(entry) for entry in self.media],
        }

    @classmethod
    def from_json(cls, raw: object) -> Manifest:
        """Read a parsed ``manifest.json``.

        Raises :class:`BackupError` when it is not a Sapat backup's, comes
        from a newer backup format, or lacks a field.
        """
        found = raw.get("format") if isinstance(raw, dict) else None
        if found != FORMAT:
            raise BackupError(
                _("not a Sapat backup: its manifest is of format “%(format)s”.")
                % {"format": found}
            )
        version = raw.get("version")
        if version not in SUPPORTED_VERSIONS:
            raise BackupError(
                _(
                    "made by a newer version of Sapat: backup format version "
                    "%(version)s, this version reads %(supported)s."
                )
                % {
                    "version": version,
                    "supported": ", ".join(map(str, sorted(SUPPORTED_VERSIONS))),
                }
            )
        try:
            created_at = datetime.fromisoformat(raw["created_at"])
            if created_at.tzinfo is None:
                raise ValueError("created_at has no time zone")
            manifest = cls(
                created_at=created_at,
                django_version=str(raw["django"]),
                database=str(raw["database"]),
                apps=tuple(_strings(raw["apps"])),
                migrations=_mapping(raw["migrations"], str),
                counts=_mapping(raw["counts"], int),
                data=_entry(raw["data"]),
                media=tuple(_entry(item) for item in raw["media"]),
                version=version,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BackupError(
                _("its manifest is damaged (%(error)s).") % {"error": exc}
            ) from exc
        return manifest


def _entry_json(entry: FileEntry) -> dict:
    return {"path": entry.path, "size": entry.size, "sha256": entry.sha256}


def _entry(raw: object) -> FileEntry:
    if not isinstance(raw, dict):
        raise TypeError("a file entry is not an object")
    path, size, sha256 = raw["path"], raw["size"], raw["sha256"]
    if not isinstance(path, str) or not isinstance(sha256, str):
        raise TypeError("a file entry has no path or hash")
    if type(size) is not int or size < 0:
        raise TypeError("a file entry has no size")
    return FileEntry(path=path, size=size, sha256=sha256)


def _strings(raw: object) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise TypeError("a list of names is expected")
    return raw


def _mapping(raw: object, kind: type) -> dict:
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and type(v) is kind for k, v in raw.items()
    ):
        raise TypeError("a mapping of names is expected")
    return dict(raw)


# --- Where archives go -------------------------------------------------------


def backup_directory() -> Path:
    """Where archives go by default.

    ``settings.BACKUP_DIR`` if set, else the ``BACKUP_DIR`` environment
    variable, else ``BASE_DIR/var/backups``; read at call time.
    """
    chosen = getattr(settings, "BACKUP_DIR", None) or os.environ.get("BACKUP_DIR")
    return Path(chosen) if chosen else Path(settings.BASE_DIR) / "var" / "backups"


def backup_list(*, directory: Path | None = None) -> list[Path]:
    """The archives this module wrote in ``directory``, oldest first."""
    directory = Path(directory or backup_directory())
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if _ARCHIVE_NAME.match(p.name)]
    return sorted(found, key=_age)


def _age(path: Path) -> tuple:
    match = _ARCHIVE_NAME.match(path.name)
    day, second, micro, counter = match.groups()
    # The plain name is taken first in its second; suffixed ones come later.
    return day, second, int(micro) if micro else -1, int(counter or 0)


def _archive_path(directory: Path, created_at: datetime) -> Path:
    stamp = f"{PREFIX}{created_at:%Y%m%d-%H%M%S}"
    for name in (stamp, f"{stamp}-{created_at:%f}"):
        if not (directory / f"{name}{SUFFIX}").exists():
            return directory / f"{name}{SUFFIX}"
    counter = 1
    while (directory / f"{stamp}-{created_at:%f}-{counter}{SUFFIX}").exists():
        counter += 1
    return directory / f"{stamp}-{created_at:%f}-{counter}{SUFFIX}"


# --- What the database holds -------------------------------------------------


def row_counts(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per model (``app_label.Model``) of everything a backup holds.

    The tables of many-to-many fields count too (``accounts.User_groups``);
    sessions, proxy and unmanaged models do not.
    """
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in EXCLUDED_APPS or meta.proxy:
            continue
        if not router.allow_migrate_model(using, model):
            continue
        counts[meta.label] = model._base_manager.using(using).count()
    return counts


def _latest_migrations(using: str) -> dict[str, str]:
    """App label -> the name of its migration applied last (django_migrations)."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return {}
    latest = {}
    for app, name in recorder.migration_qs.order_by("id").values_list("app", "name"):
        latest[app] = name
    return latest


def migrations_behind(*, manifest: Manifest) -> list[str]:
    """Apps whose migrations in this database go beyond the archive's.

    Meant for an archive that :func:`backup_verify` accepted: its data
    predate those migrations (an archive from an older version).
    """
    here = _latest_migrations(DEFAULT_DB_ALIAS)
    return sorted(
        app for app, name in here.items() if manifest.migrations.get(app) != name
    )


# --- Making an archive ---------------------------------------------------------


def backup_create(*, directory: Path | None = None, keep: int = 14) -> Path:
    """Write one archive of the database and the media; keep the newest ``keep``.

    ``directory`` defaults to :func:`backup_directory`; it is created when
    missing and must not lie under ``MEDIA_ROOT``. The database is read in
    one transaction (a repeatable-read snapshot on PostgreSQL, so the rows
    agree with each other while the portal keeps working); ``dumpdata``
    streams it to a temporary file. The media are read after it. The archive
    is written to a temporary file in ``directory``, synced and renamed when
    complete, so a ``sapat-backup-*.tar.gz`` is never half written; it is
    readable by its owner only. Then archives of this naming beyond the
    newest ``keep`` are deleted. Returns the archive's path. Raises
    ``ValueError`` for ``keep < 1`` and :class:`BackupError` for a directory
    under MEDIA_ROOT; database and disk errors propagate, leaving no file.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1")
    started = time.monotonic()
    directory = Path(directory or backup_directory()).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if directory == media_root or directory.is_relative_to(media_root):
        raise BackupError(
            _(
                "Backups cannot be kept under MEDIA_ROOT (%(folder)s): they "
                "would be served with the media and replaced by a restore."
            )
            % {"folder": media_root}
        )
    directory.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now()

    handle, data_name = tempfile.mkstemp(
        dir=directory, prefix=".sapat-data-", suffix=".json"
    )
    os.close(handle)
    data_path = Path(data_name)
    handle, partial_name = tempfile.mkstemp(
        dir=directory, prefix=".sapat-backup-", suffix=".partial"
    )
    os.close(handle)
    partial = Path(partial_name)
    try:
        migrations, counts = _dump_database(data_path, using=DEFAULT_DB_ALIAS)
        with partial.open("wb") as raw:
            with tarfile.open(
                fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
            ) as tar:
                data = _add_file(tar, DATA, data_path)
                media = []
                for relative, path in _media_files(media_root):
                    entry = _add_file(tar, f"{MEDIA}/{relative}", path)
                    if entry is not None:
                        media.append(FileEntry(relative, entry.size, entry.sha256))
                manifest = Manifest(
                    created_at=created_at,
                    django_version=django.get_version(),
                    database=connections[DEFAULT_DB_ALIAS].vendor,
                    apps=tuple(c.label for c in apps.get_app_configs()),
                    migrations=migrations,
                    counts=counts,
                    data=data,
                    media=tuple(media),
                )
                payload = json.dumps(
                    manifest.to_json(), ensure_ascii=False, indent=2
                ).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(payload), time.time(), 0o644
                tar.addfile(info, io.BytesIO(payload))
            raw.flush()
            os.fsync(raw.fileno())
        path = _archive_path(directory, created_at)
        os.replace(partial, path)
        _fsync_directory(directory)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        data_path.unlink(missing_ok=True)
    removed = _rotate(directory, keep=keep, spare=path)
    logger.info(
        "Backup %s written in %.1f s: %s rows, %s media files, %s bytes; "
        "%s old archives deleted",
        path,
        time.monotonic() - started,
        manifest.rows,
        len(manifest.media),
        path.stat().st_size,
        len(removed),
    )
    return path


def _dump_database(path: Path, *, using: str) -> tuple[dict[str, str], dict]:
    """Dump the database to ``path`` (UTF-8 JSON); its migrations and counts."""
    from django.core.management import call_command

    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            # The first statement of the transaction: every query below sees
            # the same snapshot, whatever the portal writes meanwhile.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
        migrations = _latest_migrations(using)
        counts = row_counts(using=using)
        # ``output=`` would write in the locale's encoding; loaddata reads
        # UTF-8. Django's serializer streams the rows (queryset.iterator()).
        with path.open("w", encoding="utf-8") as stream:
            call_command(
                "dumpdata",
                format="backup_json",
                exclude=list(EXCLUDED_APPS),
                use_base_manager=True,
                database=using,
                verbosity=0,
                stdout=stream,
            )
    return migrations, counts


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(POSIX path relative to ``root``, path) of every regular file, sorted."""
    if not root.is_dir():
        return
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(
            name
            for name in folders
            if not (here == root and name.startswith(STAGING_PREFIX))
            and not (here / name).is_symlink()
        )
        for name in sorted(files):
            path = here / name
            if path.is_symlink() or not path.is_file():
                logger.warning("Backup skips %s: not a regular file", path)
                continue
            yield path.relative_to(root).as_posix(), path


class _HashingReader:
    """Reads a file for tarfile and hashes exactly the bytes it hands over."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> FileEntry | None:
    """Add ``path`` as ``name``; ``None`` if it vanished before it was read."""
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        logger.warning("Backup skips %s: deleted while the backup ran", path)
        return None
    with stream:
        status = os.fstat(stream.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = status.st_size, status.st_mtime, 0o644
        reader = _HashingReader(stream)
        # A file that shrinks meanwhile makes tarfile raise: no short copy.
        tar.addfile(info, reader)
    return FileEntry(path=name, size=info.size, sha256=reader.digest.hexdigest())


def _fsync_directory(directory: Path) -> None:
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _rotate(directory: Path, *, keep: int, spare: Path) -> list[Path]:
    """Delete this module's archives in ``directory`` beyond the newest ``keep``.

    Never ``spare``, the archive just written (even if the clock went back).
    """
    old = [p for p in backup_list(directory=directory)[:-keep] if p != spare]
    for path in old:
        path.unlink(missing_ok=True)
        logger.info("Old backup %s deleted", path)
    return old


# --- Reading an archive ------------------------------------------------------


def backup_verify(*, archive: Path) -> Manifest:
    """Check ``archive`` from start to end; change nothing.

    Requires a readable tar.gz (its gzip checksum included) whose members are
    only regular files and folders at safe relative paths (no absolute path,
    no "..", no link or device), with a ``manifest.json`` of format
    "sapat-backup" in a supported version, made by this portal (the same
    installed apps) and not by a newer version (every migration it names is
    known to this code and applied in this database), and with ``data.json``
    and exactly the media files the manifest lists, at their size and
    SHA-256. Reads the database's migration records only. Returns the
    manifest; raises :class:`BackupError` naming the first problem.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise _error(archive, _("no such file."))
    return _scan(archive)


def _error(archive: Path, message: str) -> BackupError:
    return BackupError(f"{archive.name}: {message}")


def _scan(archive: Path, *, into: Path | None = None) -> Manifest:
    """Read ``archive`` once and check it (see :func:`backup_verify`).

    With ``into``, ``data.json`` and ``media/…`` are written there as they
    are read; the caller removes ``into`` when this raises.
    """
    found: dict[str, FileEntry] = {}
    manifest_bytes = None
    unexpected = ""
    try:
        with gzip.open(archive, "rb") as stream:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    name = _safe_name(archive, member)
                    if member.isdir():
                        if name != MEDIA and not name.startswith(f"{MEDIA}/"):
                            unexpected = unexpected or name
                        continue
                    if name in found or (
                        name == MANIFEST and manifest_bytes is not None
                    ):
                        raise _error(
                            archive,
                            _("the member “%(name)s” appears twice.") % {"name": name},
                        )
                    source = tar.extractfile(member)
                    if name == MANIFEST:
                        if member.size > _MAX_MANIFEST:
                            raise _error(archive, _("its manifest is too large."))
                        manifest_bytes = source.read()
                    elif name == DATA or name.startswith(f"{MEDIA}/"):
                        target = into / name if into is not None else None
                        found[name] = _copy(source, name, target, member.mtime)
                    else:
                        unexpected = unexpected or name
            # Read to the very end, so that gzip checks its CRC and length.
            while stream.read(_CHUNK):
                pass
    except BackupError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise _error(
            archive,
            _("not a readable tar.gz archive (%(error)s).") % {"error": exc},
        ) from exc

    if manifest_bytes is None:
        raise _error(archive, _("not a Sapat backup: it has no manifest.json."))
    try:
        manifest = Manifest.from_json(json.loads(manifest_bytes))
    except ValueError as exc:
        raise _error(
            archive, _("not a Sapat backup: its manifest.json is not JSON.")
        ) from exc
    except BackupError as exc:
        raise _error(archive, str(exc)) from None
    if unexpected:
        raise _error(
            archive,
            _("not a Sapat backup: unexpected member “%(name)s”.")
            % {"name": unexpected},
        )
    _check_origin(archive, manifest)

    data = found.pop(DATA, None)
    if data is None:
        raise _error(archive, _("it has no data.json."))
    if (data.size, data.sha256) != (manifest.data.size, manifest.data.sha256):
        raise _error(
            archive,
            _("data.json is damaged: its size or SHA-256 differs from the manifest."),
        )
    listed = {f"{MEDIA}/{entry.path}": entry for entry in manifest.media}
    for name in found:
        if name not in listed:
            raise _error(
                archive,
                _("the media file “%(path)s” is not in the manifest.")
                % {"path": name.removeprefix(f"{MEDIA}/")},
            )
    for name, expected in listed.items():
        got = found.get(name)
        if got is None:
            raise _error(
                archive,
                _("the media file “%(path)s” listed in the manifest is missing.")
                % {"path": expected.path},
            )
        if (got.size, got.sha256) != (expected.size, expected.sha256):
            raise _error(
                archive,
                _(
                    "the media file “%(path)s” is damaged: its size or SHA-256 "
                    "differs from the manifest."
                )
                % {"path": expected.path},
            )
    return manifest


def _safe_name(archive: Path, member: tarfile.TarInfo) -> str:
    """The member's name if it is a file or folder at a safe relative path."""
    name = member.name
    if not (member.isreg() or member.isdir()):
        raise _error(
            archive,
            _("refused: the member “%(name)s” is a link or a device, not a file.")
            % {"name": name},
        )
    if name.startswith("/"):
        raise _error(
            archive,
            _("refused: the member “%(name)s” has an absolute path.") % {"name": name},
        )
    parts = name.split("/")
    if ".." in parts:
        raise _error(
            archive,
            _("refused: the member “%(name)s” points outside the archive (“..”).")
            % {"name": name},
        )
    if any(part in ("", ".") or "\x00" in part for part in parts):
        raise _error(
            archive,
            _("refused: the member “%(name)s” has an irregular path.") % {"name": name},
        )
    return name


def _copy(source: BinaryIO, name: str, target: Path | None, mtime: float) -> FileEntry:
    """Hash ``source`` (and write it to ``target``); its size and SHA-256.

    Errors reading the archive propagate as they are; errors writing
    ``target`` become :class:`BackupError`.
    """
    digest, size = hashlib.sha256(), 0
    out = None
    if target is not None:
        _on_disk(target, partial(target.parent.mkdir, parents=True, exist_ok=True))
        out = _on_disk(target, partial(target.open, "xb"))
    try:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if out is not None:
                _on_disk(target, partial(out.write, chunk))
    finally:
        if out is not None:
            _on_disk(target, out.close)
    if target is not None:
        _on_disk(target, partial(os.utime, target, (mtime, mtime)))
    return FileEntry(path=name, size=size, sha256=digest.hexdigest())


def _on_disk(target: Path, action: Callable[[], object]) -> object:
    try:
        return action()
    except OSError as exc:
        raise BackupError(
            _("Could not write %(path)s (%(error)s).") % {"path": target, "error": exc}
        ) from exc


def _check_origin(archive: Path, manifest: Manifest) -> None:
    """Refuse another application's archive, or a newer version's."""
    from django.db.migrations.loader import MigrationLoader

    here = {config.label for config in apps.get_app_configs()}
    theirs = set(manifest.apps)
    if here != theirs:
        raise _error(
            archive,
            _(
                "made by another application: its apps differ from this "
                "portal's (only in the archive: %(extra)s; only here: "
                "%(missing)s)."
            )
            % {
                "extra": ", ".join(sorted(theirs - here)) or "-",
                "missing": ", ".join(sorted(here - theirs)) or "-",
            },
        )
    loader = MigrationLoader(connections[DEFAULT_DB_ALIAS], ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    applied = loader.applied_migrations or {}
    for app, name in sorted(manifest.migrations.items()):
        if (app, name) not in known:
            raise _error(
                archive,
                _(
                    "made by a newer version of Sapat: migration %(migration)s "
                    "is unknown here. Upgrade the portal, then restore."
                )
                % {"migration": f"{app}.{name}"},
            )
        if (app, name) not in applied:
            raise _error(
                archive,
                _(
                    "this database lacks migration %(migration)s that the "
                    "archive has: run “manage.py migrate” first."
                )
                % {"migration": f"{app}.{name}"},
            )


# --- Restoring -----------------------------------------------------------------


def backup_restore(*, archive: Path) -> dict[str, int]:
    """Replace the whole database and the media with ``archive``'s.

    All or nothing. :func:`backup_verify` runs first (nothing is touched if
    it fails). The media and ``data.json`` are extracted to a temporary
    folder beside MEDIA_ROOT (inside it when MEDIA_ROOT is a mount point or
    its parent is read-only), checked again as they are written. Then, in one
    transaction: ``flush`` empties the database (without post-migrate, so
    content types and permissions come back with their archived ids),
    ``loaddata`` loads ``data.json``, foreign keys and the rows per model are
    checked against the manifest, and the new media folder is swapped in.
    If anything fails, the transaction rolls back, the media swap is undone
    and the temporary folder removed: the database and the media are as they
    were, and :class:`BackupError` says why. On success the old media are
    deleted. Sessions are emptied: everybody logs in again. For an archive
    older than this database's migrations, post-migrate runs after loading
    (content types, permissions, roles and schedules of newer models).
    Returns the rows per model after the restore.
    """
    from django.contrib.contenttypes.models import ContentType

    started = time.monotonic()
    archive = Path(archive)
    manifest = backup_verify(archive=archive)
    behind = migrations_behind(manifest=manifest)
    media_root = Path(settings.MEDIA_ROOT).resolve()
    whole = _can_swap_whole_folder(media_root)
    base = media_root.parent if whole else media_root
    try:
        base.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=base))
    except OSError as exc:
        raise BackupError(
            _("Could not create a temporary folder in %(folder)s (%(error)s).")
            % {"folder": base, "error": exc}
        ) from exc
    keep_staging = False
    try:
        _scan(archive, into=staging)
        (staging / MEDIA).mkdir(exist_ok=True)
        moves: list[tuple[Path, Path]] = []
        try:
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                counts = _load(staging / DATA, manifest=manifest, behind=behind)
                moves = _swap_media(
                    staging / MEDIA, media_root, staging / "old", whole=whole
                )
        except BaseException as exc:
            try:
                _undo(moves)
            except OSError:
                keep_staging = True
                logger.exception("The media swap could not be undone")
                raise BackupError(
                    _(
                        "The restore failed and the previous media could not be "
                        "put back: they are in %(folder)s."
                    )
                    % {"folder": staging / "old"}
                ) from exc
            if isinstance(exc, BackupError) or not isinstance(exc, Exception):
                raise
            raise _error(
                archive,
                _("could not be restored, nothing was changed (%(error)s).")
                % {"error": exc},
            ) from exc
    finally:
        # Ids of content types may have changed (or changed back).
        ContentType.objects.clear_cache()
        if not keep_staging:
            shutil.rmtree(staging, ignore_errors=True)
    logger.info(
        "Backup %s restored in %.1f s: %s rows, %s media files",
        archive,
        time.monotonic() - started,
        sum(counts.values()),
        len(manifest.media),
    )
    return counts


def _load(data: Path, *, manifest: Manifest, behind: list[str]) -> dict[str, int]:
    """Empty the database and load ``data``; inside the caller's transaction."""
    from django.core.management import call_command
    from django.core.management.sql import emit_post_migrate_signal

    using = DEFAULT_DB_ALIAS
    call_command(
        "flush",
        interactive=False,
        inhibit_post_migrate=True,
        database=using,
        verbosity=0,
    )
    call_command("loaddata", str(data), database=using, verbosity=0)
    # Now, not at commit: a broken reference must fail before the media swap.
    connections[using].check_constraints()
    counts = row_counts(using=using)
    for label, expected in sorted(manifest.counts.items()):
        if counts.get(label) != expected:
            raise BackupError(
                _(
                    "After loading, %(model)s has %(found)s rows where the "
                    "archive has %(expected)s; nothing was changed."
                )
                % {"model": label, "found": counts.get(label), "expected": expected}
            )
    if behind:
        emit_post_migrate_signal(0, False, using)
        counts = row_counts(using=using)
    return counts


def _can_swap_whole_folder(media_root: Path) -> bool:
    """MEDIA_ROOT itself can be renamed: not a mount point, parent writable."""
    if not media_root.exists():
        return True
    return not os.path.ismount(media_root) and os.access(media_root.parent, os.W_OK)


def _swap_media(
    new: Path, media_root: Path, old: Path, *, whole: bool
) -> list[tuple[Path, Path]]:
    """Put ``new`` in place of MEDIA_ROOT and the current media in ``old``.

    Renames only (the same file system): the whole folder, or with
    ``whole=False`` each entry of MEDIA_ROOT (``new`` and ``old`` are then
    inside it). Returns the renames done, for :func:`_undo`; undoes them
    itself if one fails.
    """
    if whole:
        plan = [(media_root, old)] if media_root.exists() else []
        plan.append((new, media_root))
    else:
        old.mkdir()
        plan = [
            (entry, old / entry.name)
            for entry in sorted(media_root.iterdir())
            if not entry.name.startswith(STAGING_PREFIX)
        ]
        plan += [(entry, media_root / entry.name) for entry in sorted(new.iterdir())]
    done: list[tuple[Path, Path]] = []
    try:
        for source, target in plan:
            os.rename(source, target)
            done.append((source, target))
    except BaseException:
        _undo(done)
        raise
    return done


def _undo(moves: list[tuple[Path, Path]]) -> None:
    for source, target in reversed(moves):
        os.rename(target, source)
    moves.clear()
