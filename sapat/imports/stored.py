"""The upload kept between the preview and the confirmation.

The file goes to the default storage under ``imports/`` with a random
name; the browser gets a signed token that names the file, the user and the
register (and its URL arguments) and expires after :data:`MAX_AGE`. Nothing
else the browser sends back is trusted. Confirming deletes the file; files
older than :data:`MAX_AGE` are deleted at the next upload.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import secrets

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

logger = logging.getLogger(__name__)

FOLDER = "imports"
MAX_AGE = datetime.timedelta(hours=2)
_SALT = "sapat.imports"


class Expired(Exception):
    """The token was genuine but is older than :data:`MAX_AGE`."""


class Unknown(Exception):
    """The token is forged, for another user or register, or its file gone."""


def store(data: bytes, *, user, importer) -> str:
    """Keep ``data`` for ``user``'s import into ``importer``; the token."""
    purge()
    name = default_storage.save(
        f"{FOLDER}/{secrets.token_urlsafe(24)}.upload", ContentFile(data)
    )
    return signing.dumps(
        {
            "file": name,
            "user": user.pk,
            "register": importer.key,
            "args": importer.url_kwargs,
        },
        salt=_SALT,
    )


def _payload(token: str, *, user, importer) -> dict:
    try:
        payload = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        with contextlib.suppress(signing.BadSignature, KeyError, TypeError):
            forget(str(signing.loads(token, salt=_SALT)["file"]))
        raise Expired from None
    except signing.BadSignature:
        raise Unknown from None
    if (
        not isinstance(payload, dict)
        or payload.get("user") != user.pk
        or payload.get("register") != importer.key
        or payload.get("args") != importer.url_kwargs
        or not str(payload.get("file", "")).startswith(f"{FOLDER}/")
    ):
        raise Unknown
    return payload


def load(token: str, *, user, importer) -> tuple[str, bytes]:
    """The stored file's name and bytes. Raises :class:`Expired` or
    :class:`Unknown`."""
    name = _payload(token, user=user, importer=importer)["file"]
    try:
        with default_storage.open(name, "rb") as handle:
            return name, handle.read()
    except (FileNotFoundError, OSError):
        raise Unknown from None


def claim(name: str, *, user) -> None:
    """Inside a transaction: lock ``user``'s row, so that one of their
    confirmations runs at a time, then make sure the upload is still there
    (a confirmation before deleted it). Raises :class:`Unknown`."""
    from sapat.accounts.models import User

    User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
    if not default_storage.exists(name):
        raise Unknown


def forget(name: str) -> None:
    """Delete a stored upload (nothing if it is gone already)."""
    if name.startswith(f"{FOLDER}/"):
        default_storage.delete(name)


def purge(now: datetime.datetime | None = None) -> int:
    """Delete the uploads older than :data:`MAX_AGE`; how many."""
    now = now or timezone.now()
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    deleted = 0
    for filename in files:
        name = f"{FOLDER}/{filename}"
        try:
            if now - default_storage.get_modified_time(name) > MAX_AGE:
                default_storage.delete(name)
                deleted += 1
        except (FileNotFoundError, OSError):
            logger.info("An old import upload could not be deleted: %s", name)
    return deleted
