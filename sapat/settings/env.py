"""Reading configuration from the environment.

Every value that differs between a laptop, CI and production is read here, so
the settings modules stay declarative. A malformed value raises
:class:`ConfigError`, which ``manage.py``, ``wsgi.py`` and ``celery.py`` turn
into a one-line message naming the variable instead of a traceback.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


class ConfigError(ImproperlyConfigured):
    """A variable of the environment is missing or malformed."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_str(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = env_str(name)
    if not raw:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_config(default_sqlite_path: str) -> dict:
    """``DATABASES["default"]`` from ``DATABASE_URL``, or a SQLite file."""
    import dj_database_url

    # SQLite takes its write lock when a transaction starts and waits for
    # it, so concurrent requests queue instead of failing "database is locked".
    sqlite_options = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    raw = env_str("DATABASE_URL")
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": default_sqlite_path,
            "OPTIONS": sqlite_options,
        }
    scheme = urlsplit(raw).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ConfigError(
            "DATABASE_URL must look like postgres://user:password@host:5432/name "
            f"or sqlite:///path, not {raw!r}"
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several kinds
        raise ConfigError(f"DATABASE_URL is malformed: {exc}") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise ConfigError("DATABASE_URL names no database (the path after the host)")
    if scheme == "sqlite":
        config["OPTIONS"] = {**sqlite_options, **config.get("OPTIONS", {})}
    return config


def redis_url() -> str:
    """``REDIS_URL`` checked for shape; empty when unset (eager Celery)."""
    raw = env_str("REDIS_URL")
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"redis", "rediss", "unix"} or (
        parts.scheme != "unix" and not parts.hostname
    ):
        raise ConfigError(f"REDIS_URL must look like redis://host:6379/0, not {raw!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigError(f"REDIS_URL has a bad port: {raw!r}") from None
    return raw


def email_config() -> dict:
    """Django e-mail settings from ``EMAIL_URL``; console when unset."""
    import dj_email_url

    raw = env_str("EMAIL_URL")
    if not raw:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    try:
        parsed = dj_email_url.parse(raw)
    except Exception as exc:
        raise ConfigError(f"EMAIL_URL is malformed: {exc}") from None
    if not parsed.get("EMAIL_BACKEND"):
        raise ConfigError(
            f"EMAIL_URL must look like smtp://user:password@host:587, not {raw!r}"
        )
    return {
        "EMAIL_BACKEND": parsed["EMAIL_BACKEND"],
        "EMAIL_HOST": parsed["EMAIL_HOST"],
        "EMAIL_PORT": parsed["EMAIL_PORT"],
        "EMAIL_HOST_USER": parsed["EMAIL_HOST_USER"],
        "EMAIL_HOST_PASSWORD": parsed["EMAIL_HOST_PASSWORD"],
        "EMAIL_USE_TLS": parsed["EMAIL_USE_TLS"],
        "EMAIL_USE_SSL": parsed["EMAIL_USE_SSL"],
        "EMAIL_TIMEOUT": parsed.get("EMAIL_TIMEOUT") or 30,
    }
