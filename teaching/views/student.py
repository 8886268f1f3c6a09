"""Students' pages: their assignments, and the overview of one assignment."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from teaching.access import student_required
from teaching.models import Assignment, Attempt
from teaching.work import (
    AttemptLocked,
    assignment_for_student,
    attempt_for,
    attempt_status,
    editable_attempt,
    feedback_available,
    submit_attempt,
)


@require_GET
@student_required
def student_home(request):
    """List the student's assignments, newest due first, with their status."""
    now = timezone.now()
    assignments = (
        Assignment.objects.filter(
            classroom__students=request.user, classroom__archived_at__isnull=True, opens_at__lte=now
        )
        .select_related("lesson", "classroom")
        .order_by("due_at")
    )
    attempts = {a.assignment_id: a for a in Attempt.objects.filter(student=request.user)}
    rows = [
        (assignment, attempt_status(assignment, attempts.get(assignment.pk), now=now))
        for assignment in assignments
    ]
    return render(request, "teaching/student_home.html", {"rows": rows})


@require_GET
@student_required
def assignment_overview(request, assignment_pk):
    """Show the two activities of an assignment, progress in each, and the submit button."""
    assignment = assignment_for_student(request.user, assignment_pk)
    attempt = attempt_for(request.user, assignment)
    lesson = assignment.lesson
    context = {
        "assignment": assignment,
        "attempt": attempt,
        "status": attempt_status(assignment, attempt),
        "segment_count": lesson.segments.count(),
        "answered_count": attempt.voice_answers.count() if attempt else 0,
        "mark_count": attempt.marks.count() if attempt else 0,
        "feedback_available": feedback_available(assignment, attempt),
    }
    return render(request, "teaching/assignment_overview.html", context)


@require_http_methods(["GET", "POST"])
@student_required
def attempt_submit(request, assignment_pk):
    """Ask the student to confirm (GET), then lock the attempt (POST)."""
    assignment = assignment_for_student(request.user, assignment_pk)
    attempt = attempt_for(request.user, assignment)
    try:
        # Only submitting starts an attempt: looking at the question must change nothing.
        if request.method == "POST" or attempt is not None or assignment.is_past_due():
            attempt = editable_attempt(request.user, assignment)
    except AttemptLocked as locked:
        messages.error(request, str(locked))
        return redirect("assignment_overview", assignment_pk=assignment.pk)
    if request.method == "POST":
        submit_attempt(attempt)
        messages.success(request, _("Submitted. Well done!"))
        return redirect("assignment_overview", assignment_pk=assignment.pk)
    context = {
        "assignment": assignment,
        "segment_count": assignment.lesson.segments.count(),
        "answered_count": attempt.voice_answers.count() if attempt else 0,
        "mark_count": attempt.marks.count() if attempt else 0,
    }
    return render(request, "teaching/attempt_submit.html", context)
