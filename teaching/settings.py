"""
Settings for Lens, read from the environment.

Development needs nothing set: SQLite in ``db.sqlite3`` next to ``manage.py``.
Production runs with ``DJANGO_SETTINGS_MODULE=teaching.settings_production``,
which tightens everything ``check --deploy`` looks at.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    """Return the boolean value of environment variable ``name``."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    """Return a comma-separated environment variable as a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG", default=True)
SECRET_KEY = os.environ.get(
    "SECRET_KEY",
    # Only ever used on a developer's machine: production refuses to start without its own key.
    "django-insecure-lens-development-key-not-for-production",
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "teaching",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tables2",
    "django_filters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After the CSRF check: refuses a form whose text is not UTF-8 (teaching/middleware.py).
    "teaching.middleware.FormTextMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "teaching.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "teaching.middleware.PrivateCacheMiddleware",
    "teaching.middleware.RefusedAccessLogMiddleware",
]

ROOT_URLCONF = "teaching.urls"
WSGI_APPLICATION = "teaching.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default. These options let a class of thirty save at once
# without "database is locked": writers queue on an IMMEDIATE lock instead of
# failing on a lock upgrade, and WAL lets readers proceed while one writes.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "timeout": 5,
}
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist (conn_max_age above) on SQLite too: opening one and running
    # init_command cost a signed-in request more than the rest of its middleware.
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS

if os.environ.get("REDIS_URL"):
    # Shared by every app server, so throttles hold across a scaled-out deployment.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "teaching.User"
AUTHENTICATION_BACKENDS = ["teaching.backends.UserBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        # Students have no real name or email here: their display name is what a guesser knows.
        "OPTIONS": {"user_attributes": ["username", "display_name", "first_name", "last_name", "email"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Classroom computers are shared: a session ends after an hour without activity
# and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", 60 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "teaching.sessions"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The manifest variant is for production only: it needs collectstatic first.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# A refused form post is logged and explained (an old tab is the usual cause).
CSRF_FAILURE_VIEW = "teaching.views.auth.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

DJANGO_TABLES2_TEMPLATE = "django_tables2/semantic.html"

# Guessing throttles (teaching/throttle.py): this many failures within the lockout
# time lock a username (or a class-code guesser) for that long.
LENS_LOGIN_MAX_FAILURES = int(os.environ.get("LENS_LOGIN_MAX_FAILURES", 5))
LENS_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LENS_LOGIN_LOCKOUT_SECONDS", 15 * 60))
LENS_JOIN_MAX_FAILURES = int(os.environ.get("LENS_JOIN_MAX_FAILURES", 5))
LENS_JOIN_LOCKOUT_SECONDS = int(os.environ.get("LENS_JOIN_LOCKOUT_SECONDS", 15 * 60))

# How long archived classes are kept before `manage.py purge_archived` deletes them.
LENS_RETENTION_DAYS = int(os.environ.get("LENS_RETENTION_DAYS", 365))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "lens": {"handlers": ["console"], "level": os.environ.get("LENS_LOG_LEVEL", "INFO")},
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
