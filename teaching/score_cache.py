"""
Each attempt's scores, kept between views of the results table and its CSV.

Scoring a class means reading every answer and mark and running both scorers:
most of what a results page cost. An attempt's scores are a function of its work
and of the lesson's key, and both are versioned: every save of answers or marks
bumps ``Attempt.work_version`` (``work.record_activity``), and ``lesson_key_stamp``
names a version of the key. Scores are kept beside the version they were computed
from and used only while it is still the attempt's, so a change of work or of key
is a miss, never a stale score.

One entry per assignment (and key version) holds its attempts' scores: a page
reads one entry and writes at most one, whatever the size of the class. That is
one round trip with Redis, and with LocMem it keeps a school's classes inside the
default 300 entries, which one entry per attempt would overflow with a single
class of 300 (every view would then miss). Entries expire after an hour, so the
scores of deleted work do not outlive it for long; an entry that still holds a
deleted attempt is rewritten without it at the next view.
"""

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from django.core.cache import cache

from teaching.grading import AttemptScore, lesson_key_stamp

# Bump when what the scorers return for the same work changes, or Scores' fields:
# entries written by the old code then go unread.
FORMAT = 1
TIMEOUT = 60 * 60


class Scores(NamedTuple):
    """The figures the results table, its CSV and the class summary show for one attempt."""

    voices: float
    kappa: float
    named_f1: float
    spotted_f1: float
    hits: int
    false_alarms: int

    @classmethod
    def of(cls, score: AttemptScore) -> "Scores":
        devices = score.devices
        return cls(
            voices=score.voices.score,
            kappa=score.voices.kappa,
            named_f1=devices.named.f1,
            spotted_f1=devices.spotted.f1,
            hits=devices.hits,
            false_alarms=len(devices.false_alarms),
        )


# What an attempt's scores were computed from. ``last_active_at`` is set by the same
# update that bumps ``work_version``; with it, a database restored from a backup (or a
# test database rolled back) that reuses an attempt's id and version does not match.
Version = tuple[int, object]


class Cached(NamedTuple):
    """An assignment's cache entry as read: the key's size and the scores still current."""

    key_items: int | None  # None when there was no entry.
    scores: dict[int, Scores]  # By attempt id: only attempts whose version matched.
    stale: bool  # The entry holds attempts that changed or no longer exist: write it again.


def _key(assignment) -> str:
    lesson = assignment.lesson
    return f"lens:class-scores:{FORMAT}:{assignment.pk}:{lesson.pk}:{lesson_key_stamp(lesson)}"


def read(assignment, versions: Mapping[int, Version]) -> Cached:
    """Return the cached scores of the attempts (id: current version) whose version they were for."""
    entry = cache.get(_key(assignment))
    if entry is None:
        return Cached(None, {}, stale=False)
    key_items, cached = entry
    scores = {}
    for pk, (version, figures) in cached.items():
        if versions.get(pk) == version:
            scores[pk] = Scores._make(figures)
    return Cached(key_items, scores, stale=len(scores) != len(cached))


def write(
    assignment, *, key_items: int, versions: Mapping[int, Version], scores: Mapping[int, Scores]
) -> None:
    """Keep the scores of these attempts, each under the version it was computed from."""
    # Plain tuples: they pickle and unpickle several times faster than named ones.
    entry = {pk: (versions[pk], tuple(figures)) for pk, figures in scores.items()}
    cache.set(_key(assignment), (key_items, entry), TIMEOUT)


def missing(versions: Iterable[int], cached: Cached) -> list[int]:
    """Return the ids of the attempts the entry had no current scores for."""
    return [pk for pk in versions if pk not in cached.scores]
