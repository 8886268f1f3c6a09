"""
A student's work on an assignment: finding it, starting it, recording time, submitting it.

Views call these; they hold the rules both activities share, so the voices and
devices screens cannot disagree about who may change what, and when.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from teaching.models import Assignment, Attempt

# Gaps longer than this between two saves are a student away from the screen,
# not reading: they count for this much at most towards "time spent".
MAX_COUNTED_GAP = datetime.timedelta(minutes=3)


class AttemptLocked(Exception):
    """The attempt can no longer change: it was submitted, or the assignment is not open."""


def assignment_for_student(student, assignment_pk, *, now=None):
    """Return the assignment if ``student`` is in its class and it has opened; else raise Http404."""
    now = now or timezone.now()
    try:
        return (
            Assignment.objects.select_related("lesson__article", "classroom")
            .filter(classroom__students=student, classroom__archived_at__isnull=True, opens_at__lte=now)
            .get(pk=assignment_pk)
        )
    except Assignment.DoesNotExist:
        raise Http404 from None


def attempt_for(student, assignment):
    """Return the student's attempt at ``assignment``, or None if not started."""
    return Attempt.objects.filter(student=student, assignment=assignment).first()


def start_attempt(student, assignment):
    """Return the student's attempt at ``assignment``, creating it on first use."""
    attempt, _ = Attempt.objects.get_or_create(student=student, assignment=assignment)
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
    """Add the time since the student's last save to the attempt's time spent."""
    now = now or timezone.now()
    gap = min(max(now - attempt.last_active_at, datetime.timedelta(0)), MAX_COUNTED_GAP)
    Attempt.objects.filter(pk=attempt.pk).update(
        last_active_at=now,
        seconds_spent=attempt.seconds_spent + int(gap.total_seconds()),
        # Every save of answers or marks ends here: the new version retires cached scores.
        work_version=F("work_version") + 1,
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
