"""Where the signing key and certificate live.

Read at call time, never at import time, so tests and the benchmark can point
them elsewhere with ``settings`` or the environment. Each value comes from the
setting of the same name, else the environment variable of the same name, else
a default under ``BASE_DIR/var/keys`` (outside the static and media roots).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def _configured(name: str) -> str:
    return str(getattr(settings, name, None) or os.environ.get(name, "")).strip()


def _keys_dir() -> Path:
    return Path(settings.BASE_DIR) / "var" / "keys"


def key_path() -> Path:
    """The PEM private key the portal signs PDFs with (``SIGNING_KEY_PATH``)."""
    return Path(_configured("SIGNING_KEY_PATH") or _keys_dir() / "signing-key.pem")


def cert_path() -> Path:
    """The PEM certificate matching :func:`key_path` (``SIGNING_CERT_PATH``)."""
    return Path(_configured("SIGNING_CERT_PATH") or _keys_dir() / "signing-cert.pem")


def key_passphrase() -> bytes | None:
    """The passphrase of the private key (``SIGNING_KEY_PASSWORD``), if any.

    ``None`` when unset or empty: the key is then stored unencrypted, protected
    by its file mode (0600) only.
    """
    raw = str(
        getattr(settings, "SIGNING_KEY_PASSWORD", None)
        or os.environ.get("SIGNING_KEY_PASSWORD", "")
    )
    return raw.encode() if raw else None
