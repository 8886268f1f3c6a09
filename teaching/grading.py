"""
Bridge between the database and the pure scorer: load a lesson's key once, score attempts against it.

The results page scores a whole class, so the key is loaded once and each
attempt's answers and marks arrive prefetched: the query count does not grow
with the number of students.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Prefetch

from teaching.lesson_cache import RenderedOnce
from teaching.models import Attempt, KeyDevice, Lesson, Mark, Segment, VoiceAnswer
from teaching.scoring import (
    DeviceKey,
    DeviceScore,
    Span,
    VoiceScore,
    prepare_device_key,
    score_marks,
    score_voices,
)


def lesson_key_stamp(lesson: Lesson) -> int:
    """
    Return the version of ``lesson``'s article, segments and key, for caching what is scored against them.

    ``Lesson.content_version`` moves with every change to them (teaching/content_versions.py).
    """
    return lesson.content_version


# A few lessons are scored at a time; an entry is one lesson's key, indexed for scoring.
_KEYS = RenderedOnce(max_entries=32)


@dataclass(frozen=True)
class LessonKey:
    """A lesson's article and answer key, as plain lists the scorer can use."""

    lesson: Lesson
    body: str
    segments: tuple[Segment, ...]
    devices: tuple[KeyDevice, ...]

    @classmethod
    def load(cls, lesson: Lesson) -> "LessonKey":
        """Return the key of ``lesson`` (two queries, plus one if the article is not loaded)."""
        return cls(
            lesson=lesson,
            body=lesson.article.body,
            segments=tuple(lesson.segments.order_by("position")),
            devices=tuple(lesson.key_devices.select_related("technique").order_by("position")),
        )

    @classmethod
    def of(cls, lesson: Lesson) -> "LessonKey":
        """
        Return the key of ``lesson``, loaded once per process and content version of the lesson.

        Scoring a class after a few saves needs the key far more often than the key changes;
        the version makes the copy content-addressed (teaching/lesson_cache.py).
        """
        return _KEYS.get((lesson.pk, lesson_key_stamp(lesson)), lambda: cls.load(lesson))

    @property
    def voice_labels(self) -> list[str]:
        return [segment.voice for segment in self.segments]

    @property
    def spans(self) -> list[Span]:
        return [Span(d.start, d.end, d.technique.slug) for d in self.devices]

    @property
    def neutral_ranges(self) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in self.segments if s.neutral]

    @cached_property
    def device_key(self) -> DeviceKey:
        """Return the devices key trimmed and indexed once, however many attempts it scores."""
        return prepare_device_key(self.body, self.spans, neutral=self.neutral_ranges)


@dataclass(frozen=True)
class AttemptScore:
    voices: VoiceScore
    devices: DeviceScore


def score_work(key: LessonKey, answers: Iterable[VoiceAnswer], marks: Iterable[Mark]) -> AttemptScore:
    """Score one student's voice answers and marks against ``key``."""
    by_segment = {answer.segment_id: answer.voice for answer in answers}
    return score_values(key, by_segment, [Span(m.start, m.end, m.technique.slug) for m in marks])


def score_values(key: LessonKey, voices: Mapping[int, str], marks: Sequence[Span]) -> AttemptScore:
    """Score one student's work given as plain values: voice label by segment id, and marked spans."""
    answers = [voices.get(segment.pk) for segment in key.segments]
    return AttemptScore(
        voices=score_voices(key.voice_labels, answers), devices=score_marks(key.device_key, marks)
    )


def attempts_with_work(attempts):
    """Return ``attempts`` with answers and marks (and their techniques) prefetched."""
    return attempts.prefetch_related(
        "voice_answers",
        Prefetch("marks", queryset=Mark.objects.select_related("technique").order_by("start", "end")),
    )


def score_attempt(key: LessonKey, attempt: Attempt) -> AttemptScore:
    """Score ``attempt``; prefetch its work with ``attempts_with_work`` when scoring many."""
    return score_work(key, attempt.voice_answers.all(), attempt.marks.all())
