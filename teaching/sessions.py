"""
Lens's session store: Django's database sessions, read without compiling a query per request.

The database keeps sessions shared by every worker and server (a logout ends the
session everywhere at once) without a cache to keep coherent. Every signed-in request
reads its session; ``teaching.hot_reads`` explains why that read is hand-prepared.
"""

from functools import cache

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from teaching.hot_reads import RowReader


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        expiry = connection.ops.quote_name(model._meta.get_field("expire_date").column)
        session = _reader(model).get(
            self.session_key,
            extra_where=f"{expiry} > %s",
            extra_params=[connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        if session is None:
            # As Django's store does: an unknown or expired key is forgotten, and a new one made on save.
            self._session_key = None
        return session


@cache
def _reader(model):
    return RowReader(model, "session_key")
