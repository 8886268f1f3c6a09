"""WSGI entry point, as gunicorn runs it: ``gunicorn teaching.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teaching.settings")

application = get_wsgi_application()
