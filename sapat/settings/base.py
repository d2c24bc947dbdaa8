"""Settings shared by every environment.

Everything that varies between machines is read from the environment through
:mod:`sapat.settings.env`; with nothing set the portal runs on a SQLite file,
with Celery eager and e-mail printed to the console (and kept in the outbox).
"""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .env import (
    database_config,
    email_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = (
    env_str("SECRET_KEY") or "dev-only-insecure-key-set-SECRET_KEY-in-production"
)
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Each procedure of the Quality Manual is one app; the cross-cutting ones live
# under the project package.
SAPAT_APPS = [
    "sapat",
    "sapat.accounts",
    "sapat.notify",
    "sapat.quality",
    "sapat.signing",
    "documents",
    "records",
    "capa",
    "audits",
    "projects",
    "training",
    "suppliers",
    "satisfaction",
]

#: Backups keep timestamps to the microsecond (records/backup_json.py).
SERIALIZATION_MODULES = {"backup_json": "records.backup_json"}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "template_partials",
    *SAPAT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sapat.middleware.PreferredLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "sapat.accounts.otp.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sapat.urls"
WSGI_APPLICATION = "sapat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "sapat.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": database_config(str(BASE_DIR / "db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sapat",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts, authentication, throttling ---------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Optional TOTP second factor (django-otp): when on, the admin requires a
# verified device, and the director and administrators enrol one on their
# profile and give a code after the password. Off: nothing changes.
SAPAT_ADMIN_2FA = env_bool("SAPAT_ADMIN_2FA", default=False)
OTP_TOTP_ISSUER = "Sapat"

# django-guardian: no anonymous user row; object permissions for staff only.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- History ----------------------------------------------------------------
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "ky"
LANGUAGES = [
    ("ky", _("Kyrgyz")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "sapat_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Asia/Bishkek"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Nightly archives of the database and media (records.backup).
BACKUP_DIR = Path(env_str("BACKUP_DIR") or BASE_DIR / "var" / "backups")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------
globals().update(email_config())
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "sapat@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = ""

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Security headers -------------------------------------------------------
# No inline script or style anywhere, so the policy never needs loosening.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Signing ----------------------------------------------------------------
# The organisation's signing key and certificate (PEM). Never in the repo:
# ``manage.py signing_init`` creates a self-signed pair where none exists.
SIGNING_KEY_PATH = env_str("SIGNING_KEY_PATH") or str(
    BASE_DIR / "var" / "keys" / "signing-key.pem"
)
SIGNING_CERT_PATH = env_str("SIGNING_CERT_PATH") or str(
    BASE_DIR / "var" / "keys" / "signing-cert.pem"
)
SIGNING_KEY_PASSWORD = env_str("SIGNING_KEY_PASSWORD")

# django-ratelimit counts in the default cache (Redis in production).
RATELIMIT_USE_CACHE = "default"

# --- Sapat ------------------------------------------------------------------
# Reminders and e-mails link back to the portal with this origin.
SAPAT_BASE_URL = env_str("SAPAT_BASE_URL") or "http://127.0.0.1:8000"
SAPAT_PAGE_SIZE = 25

# --- Satisfaction (ДЖ-09): the public feedback form and surveys ---------------
# Submissions of the public feedback form allowed per visitor's IP address.
SATISFACTION_RATE_MINUTE = env_str("FEEDBACK_RATE_MINUTE") or "5/m"
SATISFACTION_RATE_HOUR = env_str("FEEDBACK_RATE_HOUR") or "30/h"
# Look-ups of a tracking code per IP address (codes cannot be guessed anyway).
SATISFACTION_LOOKUP_RATE = env_str("FEEDBACK_LOOKUP_RATE") or "30/m"
# Working days to answer a complaint (recommended; the manual sets none).
SATISFACTION_ANSWER_DAYS = env_int("FEEDBACK_ANSWER_DAYS", 10)
# Contact data of closed feedback and named survey answers is anonymised after.
SATISFACTION_ANONYMISE_AFTER_YEARS = env_int("FEEDBACK_ANONYMISE_AFTER_YEARS", 3)
SATISFACTION_MAX_ATTACHMENT_MB = env_int("FEEDBACK_MAX_ATTACHMENT_MB", 5)
# Days a survey link stays valid.
SATISFACTION_SURVEY_DAYS = env_int("SURVEY_LINK_DAYS", 30)
