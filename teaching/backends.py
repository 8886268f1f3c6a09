"""Lens's authentication backend: Django's ModelBackend, reading the signed-in user cheaply."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from teaching.hot_reads import RowReader


class UserBackend(ModelBackend):
    """
    Passwords and permissions as ModelBackend; ``get_user`` without compiling a query.

    ``get_user`` runs on every signed-in request (``teaching.hot_reads`` says why that matters).
    """

    def get_user(self, user_id):
        user = _reader().get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


@cache
def _reader():
    return RowReader(get_user_model())
