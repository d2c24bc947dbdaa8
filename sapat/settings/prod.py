"""Production: only hardening on top of the shared settings."""

from .base import *  # noqa: F403
from .env import ConfigError, env_bool, env_int, env_str

if not env_str("SECRET_KEY"):
    raise ConfigError("SECRET_KEY must be set in production")
if len(SECRET_KEY) < 50:  # noqa: F405
    raise ConfigError("SECRET_KEY must be at least 50 characters long")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
