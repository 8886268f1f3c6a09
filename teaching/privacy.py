"""
A class's data, for its teacher to take away or delete: export as JSON or CSV; delete a student or a class.

Students are children, so the rule throughout is: what a teacher deletes is gone
from the database at once (no "soft delete"), and a student account that no
longer belongs to any class goes with it.
"""

import csv
import datetime
import io
import math
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from teaching.grading import LessonKey, attempts_with_work, score_attempt
from teaching.models import Attempt, Classroom, Enrollment, User

EXPORT_FORMAT = "lens-class-export/1"
CSV_COLUMNS = [
    "record",
    "student_id",
    "username",
    "display_name",
    "assignment_id",
    "lesson",
    "item",
    "start",
    "end",
    "value",
    "detail",
]
# A spreadsheet runs a cell that starts with one of these as a formula: a display
# name like "=HYPERLINK(...)" must arrive as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Reading ---------------------------------------------------------------------


def linked_students(classroom: Classroom) -> QuerySet:
    """Return the students in ``classroom``, or with work on its assignments (removed ones too)."""
    return (
        User.objects.filter(role=User.Role.STUDENT, is_staff=False)
        .filter(Q(enrollments__classroom=classroom) | Q(attempts__assignment__classroom=classroom))
        .distinct()
    )


def students_only_in(classroom_ids) -> QuerySet:
    """Return the students linked to these classes (enrolled or with work) and to no other class."""
    linked = (
        User.objects.filter(role=User.Role.STUDENT, is_staff=False)
        .filter(
            Q(enrollments__classroom__in=classroom_ids) | Q(attempts__assignment__classroom__in=classroom_ids)
        )
        .distinct()
    )
    elsewhere_enrolled = Enrollment.objects.exclude(classroom__in=classroom_ids).values("student")
    elsewhere_work = Attempt.objects.exclude(assignment__classroom__in=classroom_ids).values("student")
    return linked.exclude(pk__in=elsewhere_enrolled).exclude(pk__in=elsewhere_work)


def _iso(value):
    return value.isoformat() if value is not None else None


def _number(value: float) -> float | None:
    # Kappa is undefined when the key has one voice only; JSON has no NaN.
    return round(value, 4) if math.isfinite(value) else None


def _scores(key: LessonKey, attempt: Attempt) -> dict:
    score = score_attempt(key, attempt)
    voices, devices = score.voices, score.devices
    return {
        "voices_score": _number(voices.score),
        "voices_kappa": _number(voices.kappa),
        "voices_answered": voices.answered,
        "voices_total": voices.total,
        "devices_named_precision": _number(devices.named.precision),
        "devices_named_recall": _number(devices.named.recall),
        "devices_named_f1": _number(devices.named.f1),
        "devices_spotted_f1": _number(devices.spotted.f1),
        "devices_hits": devices.hits,
        "devices_false_alarms": len(devices.false_alarms),
    }


def _attempt_data(key: LessonKey, attempt: Attempt) -> dict:
    positions = {segment.pk: segment for segment in key.segments}
    return {
        "id": attempt.pk,
        "assignment_id": attempt.assignment_id,
        "student_id": attempt.student_id,
        "started_at": _iso(attempt.started_at),
        "last_active_at": _iso(attempt.last_active_at),
        "submitted_at": _iso(attempt.submitted_at),
        "seconds_spent": attempt.seconds_spent,
        "voice_answers": [
            {
                "segment": positions[answer.segment_id].position,
                "start": positions[answer.segment_id].start,
                "end": positions[answer.segment_id].end,
                "voice": answer.voice,
                "quote_source": answer.quote_source,
                "updated_at": _iso(answer.updated_at),
            }
            for answer in attempt.voice_answers.all()
            if answer.segment_id in positions
        ],
        "marks": [
            {
                "technique": mark.technique.slug,
                "start": mark.start,
                "end": mark.end,
                "text": key.body[mark.start : mark.end],
                "created_at": _iso(mark.created_at),
            }
            for mark in attempt.marks.all()
        ],
        "scores": _scores(key, attempt),
    }


def class_data(*, classroom: Classroom, now=None) -> dict:
    """Return all Lens keeps about ``classroom``: roster, assignments, attempts, answers, marks, scores."""
    enrolled = {e.student_id: e.joined_at for e in classroom.enrollments.all()}
    assignments = list(classroom.assignments.select_related("lesson__article").order_by("opens_at", "pk"))
    keys = {a.lesson_id: LessonKey.load(a.lesson) for a in assignments}
    lessons = {a.pk: a.lesson_id for a in assignments}
    attempts = attempts_with_work(
        Attempt.objects.filter(assignment__classroom=classroom).order_by("assignment_id", "student_id")
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(now or timezone.now()),
        "class": {
            "id": classroom.pk,
            "name": classroom.name,
            "teacher": str(classroom.teacher),
            "created_at": _iso(classroom.created_at),
            "archived_at": _iso(classroom.archived_at),
        },
        "students": [
            {
                "id": student.pk,
                "username": student.username,
                "display_name": student.display_name,
                "enrolled": student.pk in enrolled,
                "joined_at": _iso(enrolled.get(student.pk)),
                "last_login": _iso(student.last_login),
            }
            for student in linked_students(classroom).order_by("display_name", "pk")
        ],
        "assignments": [
            {
                "id": a.pk,
                "lesson": a.lesson.slug,
                "lesson_title": a.lesson.title,
                "opens_at": _iso(a.opens_at),
                "due_at": _iso(a.due_at),
                "feedback": a.feedback,
                "created_at": _iso(a.created_at),
            }
            for a in assignments
        ],
        "attempts": [_attempt_data(keys[lessons[attempt.assignment_id]], attempt) for attempt in attempts],
    }


def spreadsheet_safe(value) -> object:
    """Return ``value`` for a CSV cell: None as empty, booleans as yes/no, would-be formulas as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    """Return whether ``text`` is a plain number, such as a negative kappa, which is no formula."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def class_csv_rows(data: dict):
    """Yield ``class_data`` as CSV rows of ``CSV_COLUMNS``, one fact per row (see docs/privacy.md)."""
    yield CSV_COLUMNS
    klass = data["class"]
    for item in ("name", "teacher", "created_at", "archived_at"):
        yield ["class", "", "", "", "", "", item, "", "", klass[item], ""]
    students = {s["id"]: s for s in data["students"]}
    for s in data["students"]:
        for item in ("enrolled", "joined_at", "last_login"):
            yield ["student", s["id"], s["username"], s["display_name"], "", "", item, "", "", s[item], ""]
    lessons = {a["id"]: a["lesson"] for a in data["assignments"]}
    for a in data["assignments"]:
        for item in ("lesson_title", "opens_at", "due_at", "feedback"):
            yield ["assignment", "", "", "", a["id"], a["lesson"], item, "", "", a[item], ""]
    for attempt in data["attempts"]:
        s = students.get(attempt["student_id"], {})
        who = [attempt["student_id"], s.get("username"), s.get("display_name")]
        where = [attempt["assignment_id"], lessons.get(attempt["assignment_id"])]
        for item in ("started_at", "last_active_at", "submitted_at", "seconds_spent"):
            yield ["attempt", *who, *where, item, "", "", attempt[item], ""]
        for answer in attempt["voice_answers"]:
            yield [
                "voice_answer",
                *who,
                *where,
                f"segment {answer['segment']}",
                answer["start"],
                answer["end"],
                answer["voice"],
                answer["quote_source"],
            ]
        for mark in attempt["marks"]:
            yield ["mark", *who, *where, mark["technique"], mark["start"], mark["end"], mark["text"], ""]
        for item, value in attempt["scores"].items():
            yield ["score", *who, *where, item, "", "", value, ""]


def class_csv(data: dict) -> str:
    """Return ``class_data`` as CSV text, safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in class_csv_rows(data):
        writer.writerow([spreadsheet_safe(value) for value in row])
    return out.getvalue()


# Deleting --------------------------------------------------------------------


@dataclass(frozen=True)
class StudentDeletion:
    """What deleting ``student`` from ``classroom`` does: the whole account, or this class's part of it."""

    classroom: Classroom
    student: User
    whole_account: bool
    attempt_count: int
    # With the whole account, the student also leaves these other classes of the same teacher.
    other_classes: tuple[Classroom, ...] = ()

    @classmethod
    def plan(cls, *, classroom: Classroom, student: User) -> "StudentDeletion":
        """Return what deleting ``student`` from ``classroom`` would remove, without removing anything."""
        teacher = classroom.teacher_id
        attempts = Attempt.objects.filter(student=student)
        # Another teacher's class (being in it, or work in it) keeps the account alive:
        # this teacher may only delete what is theirs.
        elsewhere = (
            Enrollment.objects.filter(student=student).exclude(classroom__teacher=teacher).exists()
            or attempts.exclude(assignment__classroom__teacher=teacher).exists()
        )
        if elsewhere:
            return cls(
                classroom,
                student,
                whole_account=False,
                attempt_count=attempts.filter(assignment__classroom=classroom).count(),
            )
        others = Classroom.objects.filter(students=student).exclude(pk=classroom.pk)
        return cls(classroom, student, True, attempts.count(), other_classes=tuple(others))


@transaction.atomic
def delete_student(*, classroom: Classroom, student: User) -> StudentDeletion:
    """
    Delete ``student`` from ``classroom``'s teacher's records and return what was done.

    If the student is in no other teacher's class, their account goes with all
    their work; otherwise they leave ``classroom`` and their work on its
    assignments is deleted.
    """
    deletion = StudentDeletion.plan(classroom=classroom, student=student)
    if deletion.whole_account:
        student.delete()
    else:
        Attempt.objects.filter(student=student, assignment__classroom=classroom).delete()
        Enrollment.objects.filter(student=student, classroom=classroom).delete()
    return deletion


_COUNTED = {
    "teaching.Classroom": "classes",
    "teaching.Enrollment": "enrollments",
    "teaching.Assignment": "assignments",
    "teaching.Attempt": "attempts",
    "teaching.VoiceAnswer": "voice_answers",
    "teaching.Mark": "marks",
    "teaching.User": "student_accounts",
}


def _count(deleted: dict[str, int]) -> Counter:
    return Counter({_COUNTED[label]: n for label, n in deleted.items() if label in _COUNTED})


@transaction.atomic
def delete_classrooms(classroom_ids) -> Counter:
    """Delete these classes with all their work, and the students left in no class; return counts."""
    classroom_ids = list(classroom_ids)
    orphans = list(students_only_in(classroom_ids).values_list("pk", flat=True))
    counts = _count(Classroom.objects.filter(pk__in=classroom_ids).delete()[1])
    counts += _count(User.objects.filter(pk__in=orphans).delete()[1])
    return counts


def delete_classroom(*, classroom: Classroom) -> Counter:
    """Delete ``classroom`` with all its work, and its students left in no class; return counts."""
    return delete_classrooms([classroom.pk])


def class_deletion_preview(classroom: Classroom) -> dict[str, int]:
    """Return how many students, assignments, attempts and student accounts deleting ``classroom`` removes."""
    return {
        "students": linked_students(classroom).count(),
        "assignments": classroom.assignments.count(),
        "attempts": Attempt.objects.filter(assignment__classroom=classroom).count(),
        "student_accounts": students_only_in([classroom.pk]).count(),
    }


@transaction.atomic
def purge_archived(*, retention_days: int, now=None, dry_run: bool = False) -> Counter:
    """
    Delete classes archived more than ``retention_days`` ago, with their work, and students in no class.

    A student in no class at all (their last class deleted, or removed from it) is
    deleted too, once their account is a day old: a day's grace keeps a student who
    is signing up right now. With ``dry_run`` the same deletions run and are rolled
    back, so the counts are exact and nothing changes.
    """
    now = now or timezone.now()
    expired = Classroom.objects.filter(archived_at__lt=now - datetime.timedelta(days=retention_days))
    counts = delete_classrooms(expired.values_list("pk", flat=True))
    stranded = User.objects.filter(
        role=User.Role.STUDENT,
        is_staff=False,
        enrollments__isnull=True,
        attempts__isnull=True,
        date_joined__lt=now - datetime.timedelta(days=1),
    )
    counts += _count(stranded.delete()[1])
    if dry_run:
        transaction.set_rollback(True)
    return counts
