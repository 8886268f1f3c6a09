"""
Put every session of the school in the middle of a lesson, on demand: ``python -m bench.sessions``.

Lens refreshes a signed-in session's idle clock at most once a minute, and that refresh
is a write (teaching.middleware.SessionIdleTimeoutMiddleware). A student at work sends a
request every few seconds, so few of their requests make it. A throughput scenario sends
each of 1,200 students about one request, a minute or more after the school was made:
left alone, nearly every request would be a student's first in over a minute and write
its session, which no lesson does. So before each scenario the runner sets each
session's clock to a moment of the last minute, spread evenly, as bench.dataset does when
it makes the school: during a scenario of a few seconds, as many sessions come due as in
a lesson under way.

Run with the same environment as bench.dataset. The process sets the clocks each time it
reads a line, and answers each with one: the runner keeps it for a whole part, so that
a scenario waits a fraction of a second for it rather than for Django to start.
"""

import random
import sys
import time

import django

from bench.dataset import BATCH


def restamp(*, now: float, rng: random.Random) -> int:
    """Set every signed-in session's last-seen time to within the minute before ``now``; return how many."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from teaching.middleware import LAST_SEEN_KEY

    store = SessionStore()
    sessions = list(Session.objects.all())
    for session in sessions:
        data = store.decode(session.session_data)
        data[LAST_SEEN_KEY] = int(now - rng.uniform(0, 60))
        session.session_data = store.encode(data)
    Session.objects.bulk_update(sessions, ["session_data"], batch_size=BATCH)
    return len(sessions)


def main():
    django.setup()
    rng = random.Random()
    for _request in sys.stdin:
        count = restamp(now=time.time(), rng=rng)
        print(count, flush=True)


if __name__ == "__main__":
    main()
