"""
Lock out guessing: a username after repeated failed logins, a student after repeated wrong class codes.

Failures are counted in Django's default cache. With ``REDIS_URL`` set that is
Redis, shared by every app server, so a lockout holds whichever server the next
request reaches; without it (a developer's single process) the local-memory cache
does the same job for that one process.

A throttle counts failures in a window that starts at the first failure and lasts
as long as a lockout. The ``LENS_<SCOPE>_MAX_FAILURES``-th failure in the window
locks the identity for ``LENS_<SCOPE>_LOCKOUT_SECONDS``; attempts during a lockout
are refused without being checked, and do not extend it. Success clears the count.

What is counted against what, and why:

- Logins, by the username typed (case-folded), never by IP address: a whole school
  reaches us from one address, and one pupil's typos must not lock out a class.
  The price is that anyone who knows a username can lock it for a while; the
  lockout is short, is logged, and reveals nothing about the password.
- Class codes, by the student's account when signed in, else by their session.
  Not by the code tried: guessing means trying a different code each time, so a
  count per code would never reach the limit, and a count per real code would let
  anyone lock a class out. Someone who throws sessions away escapes this throttle;
  what stops them is the code itself: 50 random bits, so finding one given class
  takes 2^49 tries on average, some 18,000 years at a thousand tries a second.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from teaching.security_log import log_warning, user_fields

DEFAULT_MAX_FAILURES = 5
DEFAULT_LOCKOUT_SECONDS = 15 * 60


@dataclass(frozen=True)
class Lockout:
    """An identity is locked for ``seconds`` more; ``message`` says so to the person at the keyboard."""

    scope: str
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))

    @property
    def message(self) -> str:
        if self.scope == "join":
            text = ngettext(
                "Too many wrong class codes. Try again in %(minutes)d minute, or ask your teacher.",
                "Too many wrong class codes. Try again in %(minutes)d minutes, or ask your teacher.",
                self.minutes,
            )
        else:
            text = ngettext(
                "Too many failed attempts to log in as this user. Try again in %(minutes)d minute.",
                "Too many failed attempts to log in as this user. Try again in %(minutes)d minutes.",
                self.minutes,
            )
        return text % {"minutes": self.minutes}


@dataclass(frozen=True)
class Throttle:
    """Failure counting for one kind of guess (``scope``), configured by ``LENS_<SCOPE>_…`` settings."""

    scope: str

    @property
    def max_failures(self) -> int:
        return getattr(settings, f"LENS_{self.scope.upper()}_MAX_FAILURES", DEFAULT_MAX_FAILURES)

    @property
    def lockout_seconds(self) -> int:
        return getattr(settings, f"LENS_{self.scope.upper()}_LOCKOUT_SECONDS", DEFAULT_LOCKOUT_SECONDS)

    def _key(self, identity: str, kind: str) -> str:
        # Hashed: cache keys stay short and safe whatever was typed, and usernames
        # (or passwords typed into the username box) are not stored in clear.
        digest = hashlib.sha256(identity.casefold().encode()).hexdigest()
        return f"lens:throttle:{self.scope}:{kind}:{digest}"

    def lockout(self, identity: str) -> Lockout | None:
        """Return the lockout now in force on ``identity``, or None."""
        until = cache.get(self._key(identity, "locked"))
        if until is None:
            return None
        seconds = math.ceil(until - time.time())
        return Lockout(self.scope, seconds) if seconds > 0 else None

    def fail(self, identity: str) -> Lockout | None:
        """Count a failure for ``identity``; return the lockout it starts, if it is the last one allowed."""
        count_key = self._key(identity, "failures")
        # add + incr is atomic on Redis: two app servers counting at once both count.
        cache.add(count_key, 0, timeout=self.lockout_seconds)
        try:
            failures = cache.incr(count_key)
        except ValueError:
            # The window ran out between add and incr: this failure starts a new one.
            cache.set(count_key, 1, timeout=self.lockout_seconds)
            failures = 1
        if failures < self.max_failures:
            return None
        cache.set(self._key(identity, "locked"), time.time() + self.lockout_seconds, self.lockout_seconds)
        cache.delete(count_key)
        return Lockout(self.scope, self.lockout_seconds)

    def failures(self, identity: str) -> int:
        """Return how many failures ``identity`` has in the current window."""
        return cache.get(self._key(identity, "failures"), 0)

    def reset(self, identity: str) -> None:
        """Forget the failures and any lockout of ``identity`` (after a success, or by an admin)."""
        cache.delete_many([self._key(identity, "failures"), self._key(identity, "locked")])


LOGIN = Throttle("login")
JOIN = Throttle("join")


# Class codes. The join view calls these three around ``join_classroom``:
#
#     if lockout := throttle.join_lockout(request): form.add_error("code", lockout.message)
#     else: try join_classroom(...) except a wrong code: throttle.join_failed(request)
#           (and on success) throttle.join_succeeded(request)


def join_identity(request) -> str:
    """Return who is guessing class codes: the signed-in account, else the browser's session."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if request.session.session_key is None:
        # A first visit has no session yet; make one (and send its cookie) so that
        # this browser's guesses are counted together.
        request.session.save()
        request.session.modified = True
    return f"session:{request.session.session_key}"


def join_lockout(request) -> Lockout | None:
    """Return the lockout on this visitor's class-code guesses (logged), or None."""
    lockout = JOIN.lockout(join_identity(request))
    if lockout is not None:
        log_warning("join.refused", reason="locked", seconds=lockout.seconds, **user_fields(request.user))
    return lockout


def join_failed(request) -> Lockout | None:
    """Count a wrong class code from this visitor (logged); return the lockout it starts, or None."""
    identity = join_identity(request)
    lockout = JOIN.fail(identity)
    log_warning("join.failure", failures=JOIN.failures(identity) or None, **user_fields(request.user))
    if lockout is not None:
        log_warning("join.locked", seconds=lockout.seconds, **user_fields(request.user))
    return lockout


def join_succeeded(request) -> None:
    """Clear this visitor's wrong-code count after a successful join."""
    JOIN.reset(join_identity(request))
