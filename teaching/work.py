"""
A student's work on an assignment: finding it, starting it, recording time, submitting it.

Views call these; they hold the rules both activities share, so the voices and
devices screens cannot disagree about who may change what, and when.
"""

import datetime
import functools

from django.db import connections, router, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from teaching.hot_reads import columns_of
from teaching.lesson_cache import RenderedOnce
from teaching.models import Assignment, Attempt, Classroom, Enrollment, Lesson

# Gaps longer than this between two saves are a student away from the screen,
# not reading: they count for this much at most towards "time spent".
MAX_COUNTED_GAP = datetime.timedelta(minutes=3)


# The largest primary key the databases hold (a 64-bit signed integer).
MAX_PRIMARY_KEY = 2**63 - 1


class AttemptLocked(Exception):
    """The attempt can no longer change: it was submitted, or the assignment is not open."""


def assignment_for_student(student, assignment_pk, *, now=None):
    """
    Return the assignment if ``student`` is in its class and it has opened; else raise Http404.

    The assignment comes with its class, its lesson and article, and the student's attempt
    (see ``attempt_for``), all from one query that is prepared once (``teaching.hot_reads``
    says why): every request of the two activities, saves included, starts here.
    """
    if not 0 < assignment_pk <= MAX_PRIMARY_KEY:
        raise Http404  # The URL accepts any digits; the database would refuse to compare them.
    now = now or timezone.now()
    alias = router.db_for_read(Assignment)
    sql, assignment_columns, classroom_columns, attempt_columns = _student_assignment_query(alias)
    params = [student.pk, student.pk, assignment_pk, connections[alias].ops.adapt_datetimefield_value(now)]
    assignment, attempt_row = _assignment_from_row(
        _one_row_or_404(alias, sql, params), assignment_columns, classroom_columns
    )
    attempt = attempt_columns.instance(attempt_row) if attempt_row[0] is not None else None
    if attempt is not None:
        attempt.assignment = assignment
    assignment.prefetched_attempt = (student.pk, attempt)
    return assignment


@functools.cache
def _student_assignment_query(alias):
    """Return the SQL of ``assignment_for_student`` for database ``alias``, and its column sets."""
    quote = connections[alias].ops.quote_name
    assignment_columns = columns_of(Assignment, alias, "a")
    classroom_columns = columns_of(Classroom, alias, "c")
    attempt_columns = columns_of(Attempt, alias, "t")

    def table(model):
        return quote(model._meta.db_table)

    selected = f"{assignment_columns.sql}, {classroom_columns.sql}, l.content_version, {attempt_columns.sql}"
    # Only the models' own (quoted) names are formatted in; values are always parameters.
    sql = (
        f"SELECT {selected}"  # noqa: S608  # nosec B608
        f" FROM {table(Assignment)} a"
        f" JOIN {table(Classroom)} c ON c.id = a.classroom_id"
        f" JOIN {table(Enrollment)} e ON e.classroom_id = c.id AND e.student_id = %s"
        f" JOIN {table(Lesson)} l ON l.id = a.lesson_id"
        f" LEFT JOIN {table(Attempt)} t ON t.assignment_id = a.id AND t.student_id = %s"
        " WHERE a.id = %s AND c.archived_at IS NULL AND a.opens_at <= %s"
    )
    return sql, assignment_columns, classroom_columns, attempt_columns


def assignment_for_teacher(teacher, assignment_pk):
    """
    Return the assignment if ``teacher`` teaches its class (archived or not); else raise Http404.

    With its class and its lesson and article, from one prepared query, like
    ``assignment_for_student``: the results page refreshes every few seconds.
    """
    if not 0 < assignment_pk <= MAX_PRIMARY_KEY:
        raise Http404
    alias = router.db_for_read(Assignment)
    sql, assignment_columns, classroom_columns = _teacher_assignment_query(alias)
    row = _one_row_or_404(alias, sql, [assignment_pk, teacher.pk])
    assignment, _rest = _assignment_from_row(row, assignment_columns, classroom_columns)
    return assignment


@functools.cache
def _teacher_assignment_query(alias):
    """Return the SQL of ``assignment_for_teacher`` for database ``alias``, and its column sets."""
    quote = connections[alias].ops.quote_name
    assignment_columns = columns_of(Assignment, alias, "a")
    classroom_columns = columns_of(Classroom, alias, "c")
    assignments, classrooms, lessons = (quote(m._meta.db_table) for m in (Assignment, Classroom, Lesson))
    # Only the models' own (quoted) names are formatted in; values are always parameters.
    sql = (
        f"SELECT {assignment_columns.sql}, {classroom_columns.sql}, l.content_version"  # noqa: S608  # nosec B608
        f" FROM {assignments} a JOIN {classrooms} c ON c.id = a.classroom_id"
        f" JOIN {lessons} l ON l.id = a.lesson_id"
        " WHERE a.id = %s AND c.teacher_id = %s"
    )
    return sql, assignment_columns, classroom_columns


def _one_row_or_404(alias, sql, params) -> tuple:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return row


def _assignment_from_row(row, assignment_columns, classroom_columns) -> tuple[Assignment, tuple]:
    """
    Return the assignment, with its class and lesson, from a row of the queries above; and the rest.

    The row starts with the assignment's columns, then the class's, then the lesson's
    content version.
    """
    split = len(assignment_columns)
    assignment = assignment_columns.instance(row[:split])
    assignment.classroom = classroom_columns.instance(row[split : split + len(classroom_columns)])
    split += len(classroom_columns)
    assignment.lesson = lesson_with_article(assignment.lesson_id, row[split])
    return assignment, row[split + 1 :]


_LESSONS = RenderedOnce(max_entries=32)


def lesson_with_article(lesson_pk, content_version):
    """
    Return the lesson with its article, read once per process and content version.

    Content-addressed (teaching/lesson_cache.py), so a copy is never stale. Callers must
    treat it as read-only: it is shared between requests.
    """
    return _LESSONS.get(
        (lesson_pk, content_version),
        lambda: Lesson.objects.select_related("article").get(pk=lesson_pk),
    )


def attempt_for(student, assignment):
    """Return the student's attempt at ``assignment``, or None if not started."""
    prefetched = getattr(assignment, "prefetched_attempt", None)
    if prefetched is not None and prefetched[0] == student.pk:
        return prefetched[1]
    return Attempt.objects.filter(student=student, assignment=assignment).first()


def start_attempt(student, assignment):
    """Return the student's attempt at ``assignment``, creating it on first use."""
    attempt = attempt_for(student, assignment)
    if attempt is None:
        attempt, _ = Attempt.objects.get_or_create(student=student, assignment=assignment)
        assignment.prefetched_attempt = (student.pk, attempt)
    # Callers read the assignment (and its lesson) through the attempt: spare them a query.
    attempt.assignment = assignment
    return attempt


def editable_attempt(student, assignment, *, now=None):
    """Return an attempt the student may still change, or raise AttemptLocked saying why."""
    now = now or timezone.now()
    if assignment.is_past_due(now):
        raise AttemptLocked(
            _("This assignment was due on %(due)s; it can no longer be changed.")
            % {"due": timezone.localtime(assignment.due_at).strftime("%d %b %Y %H:%M")}
        )
    attempt = start_attempt(student, assignment)
    if attempt.is_submitted:
        raise AttemptLocked(_("You have submitted this assignment; it can no longer be changed."))
    return attempt


def record_activity(attempt, *, now=None):
    """Add the time since the student's last save to the attempt's time spent, and count the change."""
    now = now or timezone.now()
    gap = min(max(now - attempt.last_active_at, datetime.timedelta(0)), MAX_COUNTED_GAP)
    alias = router.db_for_write(Attempt)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            _record_activity_sql(alias),
            [
                connections[alias].ops.adapt_datetimefield_value(now),
                attempt.seconds_spent + int(gap.total_seconds()),
                attempt.pk,
            ],
        )


@functools.cache
def _record_activity_sql(alias):
    """
    Return the UPDATE of ``record_activity``, prepared once: every save of answers or marks ends here.

    The update also moves ``work_version``, which retires the attempt's cached scores.
    """
    quote = connections[alias].ops.quote_name
    table = quote(Attempt._meta.db_table)
    version = quote("work_version")
    return (
        f"UPDATE {table} SET {quote('last_active_at')} = %s, {quote('seconds_spent')} = %s,"  # noqa: S608  # nosec B608
        f" {version} = {version} + 1 WHERE {quote('id')} = %s"
    )


@transaction.atomic
def submit_attempt(attempt, *, now=None):
    """Lock the attempt; submitting twice is harmless and keeps the first time."""
    now = now or timezone.now()
    updated = Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(submitted_at=now)
    attempt.refresh_from_db()
    return bool(updated)


def attempt_status(assignment, attempt, *, now=None):
    """Return the Attempt.Status a student's home page shows for this assignment."""
    now = now or timezone.now()
    if attempt is not None and attempt.is_submitted:
        return Attempt.Status.SUBMITTED
    if assignment.is_past_due(now):
        return Attempt.Status.OVERDUE
    if attempt is None:
        return Attempt.Status.NOT_STARTED
    return Attempt.Status.IN_PROGRESS


def feedback_available(assignment, attempt, *, now=None):
    """Return whether the teacher's policy lets the student see the key now."""
    now = now or timezone.now()
    if assignment.feedback == Assignment.Feedback.AFTER_DUE:
        return assignment.is_past_due(now)
    return attempt is not None and attempt.is_submitted or assignment.is_past_due(now)
