"""
A class's scored work on an assignment: the one place the results pages read the database.

``load_class_work`` loads the key once and every attempt's work prefetched, so the
number of queries does not grow with the class; ``teaching.analysis`` and the
results tables are plain functions of what it returns.
"""

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models.functions import Lower
from django.utils import timezone

from teaching.grading import AttemptScore, LessonKey, attempts_with_work, score_values, score_work
from teaching.models import Assignment, Attempt, Classroom, Mark, User, VoiceAnswer
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
    key = LessonKey.load(assignment.lesson)
    students = list(class_students(assignment.classroom))
    attempts = attempts_with_work(Attempt.objects.filter(assignment=assignment))
    return score_class(assignment, key, students, attempts, now=now)


def load_class_scores(assignment: Assignment, *, now=None) -> ClassWork:
    """
    Return every enrolled student's scores on ``assignment`` in six queries, their work read as values.

    For pages that show scores only (the results table and its CSV). Scoring a class from
    plain rows instead of a model instance per answer and mark is several times faster;
    the price is that the attempts carry no work: ``StudentWork.answers`` and ``.marks``
    are not for what this returns (they would query per student).
    """
    now = now or timezone.now()
    key = LessonKey.load(assignment.lesson)
    students = list(class_students(assignment.classroom))
    attempts = {attempt.student_id: attempt for attempt in Attempt.objects.filter(assignment=assignment)}
    voices = defaultdict(dict)
    answer_rows = VoiceAnswer.objects.filter(attempt__assignment=assignment)
    for attempt_id, segment_id, voice in answer_rows.values_list("attempt_id", "segment_id", "voice"):
        voices[attempt_id][segment_id] = voice
    marks = defaultdict(list)
    mark_rows = Mark.objects.filter(attempt__assignment=assignment).order_by("start", "end")
    fields = ("attempt_id", "start", "end", "technique__slug")
    for attempt_id, start, end, slug in mark_rows.values_list(*fields):
        marks[attempt_id].append(Span(start, end, slug))
    rows = []
    for student in students:
        attempt = attempts.get(student.pk)
        score = score_values(key, voices[attempt.pk], marks[attempt.pk]) if attempt is not None else None
        rows.append(StudentWork(student, attempt, attempt_status(assignment, attempt, now=now), score))
    return ClassWork(assignment=assignment, key=key, students=tuple(rows))


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
            keys[assignment.lesson_id] = LessonKey.load(assignment.lesson)
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


def summarise(work: ClassWork) -> Summary:
    """Return the class's headcounts and the mean and median scores of submitted work."""
    scored = [w.score for w in work.submitted if w.score is not None]
    voices = [s.voices.score for s in scored]
    named = [s.devices.named.f1 for s in scored]
    return Summary(
        enrolled=len(work.students),
        started=len(work.started),
        by_status=dict(Counter(w.status for w in work.students)),
        voices_mean=_mean(voices),
        named_mean=_mean(named),
        spotted_mean=_mean([s.devices.spotted.f1 for s in scored]),
        voices_median=_median(voices),
        named_median=_median(named),
    )
