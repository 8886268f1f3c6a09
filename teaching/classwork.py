"""
A class's scored work on an assignment: the one place the results pages read the database.

``load_class_work`` loads the key once and every attempt's work prefetched, so the
number of queries does not grow with the class; ``teaching.analysis`` and the
results tables are plain functions of what it returns.
"""

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import NamedTuple

from django.db import connection
from django.db.models.functions import Lower
from django.utils import timezone

from teaching import score_cache
from teaching.grading import AttemptScore, LessonKey, attempts_with_work, score_values, score_work
from teaching.models import Assignment, Attempt, Classroom, Enrollment, Mark, User, VoiceAnswer
from teaching.score_cache import Scores
from teaching.scoring import Span
from teaching.work import attempt_status

# Loading and scoring ---------------------------------------------------------


@dataclass(frozen=True)
class StudentWork:
    """One enrolled student, their attempt (None if not started), its status and score."""

    student: User
    attempt: Attempt | None
    status: str
    score: AttemptScore | None

    @property
    def started(self) -> bool:
        return self.attempt is not None

    @property
    def submitted(self) -> bool:
        return self.status == Attempt.Status.SUBMITTED

    @property
    def answers(self) -> dict[int, str]:
        """Return the student's voice answer per segment id."""
        return {a.segment_id: a.voice for a in self.attempt.voice_answers.all()} if self.attempt else {}

    @property
    def marks(self) -> list[Mark]:
        """Return the marks in the order they were scored (false alarms index into it)."""
        return list(self.attempt.marks.all()) if self.attempt else []

    # The scores a class summary reads, as a results table line has them (None: not started).

    @property
    def voices(self) -> float | None:
        return self.score.voices.score if self.score else None

    @property
    def named_f1(self) -> float | None:
        return self.score.devices.named.f1 if self.score else None

    @property
    def spotted_f1(self) -> float | None:
        return self.score.devices.spotted.f1 if self.score else None


@dataclass(frozen=True)
class ClassWork:
    """An assignment's key and the scored work of every student in its class."""

    assignment: Assignment
    key: LessonKey
    students: tuple[StudentWork, ...]

    @property
    def started(self) -> list[StudentWork]:
        return [work for work in self.students if work.started]

    @property
    def submitted(self) -> list[StudentWork]:
        return [work for work in self.students if work.submitted]

    def for_student(self, student_pk: int) -> StudentWork | None:
        return next((work for work in self.students if work.student.pk == student_pk), None)


def class_students(classroom: Classroom):
    """Return the students enrolled in ``classroom``, in roster order."""
    return User.objects.filter(enrollments__classroom=classroom).order_by(Lower("display_name"), "username")


def score_class(
    assignment: Assignment, key: LessonKey, students: Iterable[User], attempts: Iterable[Attempt], *, now=None
) -> ClassWork:
    """Return the class's work on ``assignment`` from loaded students and prefetched attempts."""
    now = now or timezone.now()
    by_student = {
        attempt.student_id: attempt for attempt in attempts if attempt.assignment_id == assignment.pk
    }
    rows = []
    for student in students:
        attempt = by_student.get(student.pk)
        score = (
            score_work(key, attempt.voice_answers.all(), attempt.marks.all()) if attempt is not None else None
        )
        rows.append(StudentWork(student, attempt, attempt_status(assignment, attempt, now=now), score))
    return ClassWork(assignment=assignment, key=key, students=tuple(rows))


def load_class_work(assignment: Assignment, *, now=None) -> ClassWork:
    """Return every enrolled student's scored work on ``assignment`` in six queries, any class size."""
    key = LessonKey.of(assignment.lesson)
    students = list(class_students(assignment.classroom))
    attempts = attempts_with_work(Attempt.objects.filter(assignment=assignment))
    return score_class(assignment, key, students, attempts, now=now)


class StudentResult(NamedTuple):
    """One enrolled student's line of the results table: plain values, no model instances."""

    student_pk: int
    name: str
    username: str
    status: str
    started: bool
    seconds: int | None  # Time spent; None if not started.
    submitted_at: datetime.datetime | None
    voices: float | None  # The scores; None if not started.
    kappa: float | None
    named_f1: float | None
    spotted_f1: float | None
    hits: int | None
    false_alarms: int | None


@dataclass(frozen=True)
class ClassScores:
    """An assignment's results: a line per enrolled student, in roster order, and the key's size."""

    assignment: Assignment
    key_items: int
    students: tuple[StudentResult, ...]


_NOT_SCORED = (None,) * len(Scores._fields)


def load_class_scores(assignment: Assignment, *, now=None) -> ClassScores:
    """
    Return every enrolled student's status and scores on ``assignment``, for the results table and CSV.

    One query reads the roster with each student's attempt; the scores of attempts whose
    work has not changed since they were last scored come from the cache
    (``teaching.score_cache``). Only if some have changed does it read the key and
    those attempts' answers and marks: four more queries whatever the class size (five
    if the lesson's article is not loaded yet).
    """
    now = now or timezone.now()
    # The versions are read before the work: work saved in between is newer than the version
    # its scores are kept under, and the save's bump of the version retires them.
    roster = _roster_with_attempts(assignment)
    versions = {row[3]: (row[4], row[5]) for row in roster if row[3] is not None}
    cached = score_cache.read(assignment, versions)
    scores, key_items = cached.scores, cached.key_items
    changed = score_cache.missing(versions, cached)
    if changed or key_items is None:
        key = LessonKey.of(assignment.lesson)
        scores.update(_score_attempts(assignment, key, changed, every=len(changed) == len(versions)))
        key_items = len(key.devices)
    if changed or cached.stale or cached.key_items is None:
        score_cache.write(assignment, key_items=key_items, versions=versions, scores=scores)
    # Status is attempt_status's rule, asked once for each kind of attempt rather than per row.
    status = {
        (False, False): attempt_status(assignment, None, now=now),
        (True, False): attempt_status(assignment, SimpleNamespace(is_submitted=False), now=now),
        (True, True): attempt_status(assignment, SimpleNamespace(is_submitted=True), now=now),
    }
    rows = []
    for student_pk, display_name, username, attempt_pk, _, _, seconds, submitted_at in roster:
        started = attempt_pk is not None
        rows.append(
            StudentResult(
                student_pk,
                display_name or username,
                username,
                status[started, submitted_at is not None],
                started,
                seconds,
                submitted_at,
                *(scores[attempt_pk] if started else _NOT_SCORED),
            )
        )
    return ClassScores(assignment=assignment, key_items=key_items, students=tuple(rows))


def _roster_with_attempts(assignment: Assignment) -> list[tuple]:
    """
    Return the class's students in roster order, each with their attempt at ``assignment`` (or Nones).

    Rows: student id, display name, username, then the attempt's id, work version, last
    activity, seconds spent and submission time. In raw SQL because the results page asks
    it on every view and refresh: the ORM takes ten times longer to write this query than
    the database to answer it. Portable SQL; datetimes converted as the ORM would.
    """
    with connection.cursor() as cursor:
        cursor.execute(_roster_sql(connection.vendor), [assignment.pk, assignment.classroom_id])
        rows = cursor.fetchall()
    convert = _datetime_converters()
    if not convert:
        return rows
    # The last activity is only compared with itself (score_cache.Version): left as read.
    return [row if row[7] is None else (*row[:7], convert(row[7])) for row in rows]


@cache
def _roster_sql(vendor: str) -> str:
    """Return the roster query, quoted for the database ``vendor`` (SQLite or PostgreSQL)."""
    quote = connection.ops.quote_name

    def column(model, name):
        return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"

    user, enrollment, attempt = (quote(model._meta.db_table) for model in (User, Enrollment, Attempt))
    fields = [column(User, name) for name in ("id", "display_name", "username")] + [
        column(Attempt, name)
        for name in ("id", "work_version", "last_active_at", "seconds_spent", "submitted_at")
    ]
    # Only quoted table and column names are written into the query; values are parameters.
    return (
        f"SELECT {', '.join(fields)} FROM {user}"  # noqa: S608  # nosec B608
        f" INNER JOIN {enrollment} ON {column(Enrollment, 'student')} = {column(User, 'id')}"
        f" LEFT OUTER JOIN {attempt} ON {column(Attempt, 'student')} = {column(User, 'id')}"
        f" AND {column(Attempt, 'assignment')} = %s"
        f" WHERE {column(Enrollment, 'classroom')} = %s"
        f" ORDER BY LOWER({column(User, 'display_name')}), {column(User, 'username')}"
    )


def _datetime_converters():
    """Return a function that turns a datetime column's raw value into an aware datetime, or None."""
    field = Attempt._meta.get_field("submitted_at")
    expression = field.get_col(Attempt._meta.db_table)
    converters = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
    if not converters:
        return None  # The driver already returns datetimes (PostgreSQL).

    def convert(value):
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def _score_attempts(assignment: Assignment, key: LessonKey, attempt_pks: list[int], *, every: bool):
    """Return the Scores of these attempts of ``assignment`` (``every``: all of its attempts), by id."""
    answer_rows = VoiceAnswer.objects.filter(attempt__assignment=assignment)
    mark_rows = Mark.objects.filter(attempt__assignment=assignment).order_by("start", "end")
    if not every:
        answer_rows = answer_rows.filter(attempt_id__in=attempt_pks)
        mark_rows = mark_rows.filter(attempt_id__in=attempt_pks)
    voices = defaultdict(dict)
    for attempt_id, segment_id, voice in answer_rows.values_list("attempt_id", "segment_id", "voice"):
        voices[attempt_id][segment_id] = voice
    marks = defaultdict(list)
    fields = ("attempt_id", "start", "end", "technique__slug")
    for attempt_id, start, end, slug in mark_rows.values_list(*fields):
        marks[attempt_id].append(Span(start, end, slug))
    return {pk: Scores.of(score_values(key, voices[pk], marks[pk])) for pk in attempt_pks}


def load_classroom_work(classroom: Classroom, *, now=None) -> list[ClassWork]:
    """Return the class's work on each of its assignments, oldest first; queries grow with lessons only."""
    assignments = list(
        classroom.assignments.select_related("lesson__article", "classroom").order_by("opens_at", "pk")
    )
    students = list(class_students(classroom))
    attempts = list(attempts_with_work(Attempt.objects.filter(assignment__classroom=classroom)))
    keys: dict[int, LessonKey] = {}
    for assignment in assignments:
        if assignment.lesson_id not in keys:
            keys[assignment.lesson_id] = LessonKey.of(assignment.lesson)
    return [score_class(a, keys[a.lesson_id], students, attempts, now=now) for a in assignments]


# Class summary ---------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Headcounts by status and the typical scores of submitted work."""

    enrolled: int
    started: int
    by_status: dict[str, int]
    voices_mean: float | None
    named_mean: float | None
    spotted_mean: float | None
    voices_median: float | None
    named_median: float | None

    @property
    def submitted(self) -> int:
        return self.by_status.get(Attempt.Status.SUBMITTED, 0)

    @property
    def completion(self) -> float | None:
        return self.submitted / self.enrolled if self.enrolled else None

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)


def _mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def summarise(work: ClassWork | ClassScores) -> Summary:
    """Return the class's headcounts and the mean and median scores of submitted work."""
    scored = [w for w in work.students if w.status == Attempt.Status.SUBMITTED and w.voices is not None]
    voices = [w.voices for w in scored]
    named = [w.named_f1 for w in scored]
    return Summary(
        enrolled=len(work.students),
        started=sum(1 for w in work.students if w.started),
        by_status=dict(Counter(w.status for w in work.students)),
        voices_mean=_mean(voices),
        named_mean=_mean(named),
        spotted_mean=_mean([w.spotted_f1 for w in scored]),
        voices_median=_median(voices),
        named_median=_median(named),
    )
