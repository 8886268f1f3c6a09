"""
Production settings: ``DJANGO_SETTINGS_MODULE=teaching.settings_production``.

Everything ``manage.py check --deploy`` asks for, behind a TLS-terminating proxy.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from teaching.settings import *  # noqa: F403

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")

SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=True)  # noqa: F405
if env_flag("BEHIND_TLS_PROXY", default=True):  # noqa: F405
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
