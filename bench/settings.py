"""
Settings the benchmark serves Lens with: production's, on plain HTTP over loopback.

The runner sets ``SECRET_KEY``, ``DATABASE_URL`` and ``BENCH_STATIC_ROOT`` (and
``REDIS_URL`` for the app servers) in the environment before anything imports this.
"""

import os

from teaching.settings_production import *  # noqa: F403

# The load tools talk plain HTTP to 127.0.0.1; a TLS redirect would measure nothing.
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["127.0.0.1"]
# The product's URLs plus the floor view, which stays out of the product's URLconf.
ROOT_URLCONF = "bench.urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
