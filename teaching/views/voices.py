"""The voices activity: sort every sentence by whose words it is, then see the feedback."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from teaching.access import student_required
from teaching.answers import (
    VOICE_CHOICES,
    AnswerChanged,
    Progress,
    answer_states,
    answered_count,
    answers_by_segment,
    save_voice_answer,
    save_voice_answers,
    voice_feedback,
)
from teaching.forms.voices import VoiceAnswerForm, voice_answer_forms
from teaching.voice_status import saved_status
from teaching.voices_page import lesson_segments, voices_activity
from teaching.work import (
    AttemptLocked,
    assignment_for_student,
    attempt_for,
    editable_attempt,
    feedback_available,
    record_activity,
)

TEMPLATE = "teaching/voices_activity.html"


def _locked_reason(student, assignment, attempt):
    """Return why the student's answers can no longer change, or "" while they can."""
    if not assignment.is_past_due() and (attempt is None or not attempt.is_submitted):
        # Open, and started but not submitted, or not started: asking the attempt rules
        # would start an attempt just by looking (and cost a query on every page view).
        return ""
    try:
        editable_attempt(student, assignment)
    except AttemptLocked as locked:
        return str(locked)
    return ""


@require_http_methods(["GET", "POST"])
@student_required
def voices(request, assignment_pk):
    """Show the article with a four-way choice per sentence; POST saves them all (the no-JavaScript way)."""
    assignment = assignment_for_student(request.user, assignment_pk)
    # Read without starting an attempt: a refused form must leave nothing behind.
    attempt = attempt_for(request.user, assignment)
    locked_reason = _locked_reason(request.user, assignment, attempt)
    answers = answer_states(attempt)
    if request.method == "GET" or locked_reason:
        status = 409 if request.method == "POST" else 200
        return _page(request, assignment, attempt, answers, locked_reason=locked_reason, status=status)
    lesson = assignment.lesson
    forms = voice_answer_forms(
        segments=lesson_segments(lesson).segments,
        body=lesson.article.body,
        answers=answers,
        data=request.POST,
    )
    status = _save_all(request, assignment, forms)
    if status == 200:
        # "Save and submit…" goes on to the confirmation page.
        then = "attempt_submit" if request.POST.get("then") == "submit" else "voices"
        return redirect(then, assignment_pk=assignment.pk)
    return _page(request, assignment, attempt, answers, forms=forms, status=status)


def _page(request, assignment, attempt, answers, *, locked_reason="", forms=None, status=200):
    """
    Render the activity page: the sentences with the student's saved ``answers`` or, after a
    refused no-JavaScript post, with its ``forms`` and what is wrong with them.
    """
    activity = voices_activity(assignment.lesson, locked=bool(locked_reason))
    # One token for the whole page: the base template's forms and the activity's.
    csrf_token = get_token(request)
    if forms is None:
        parts = activity.for_answers(assignment_pk=assignment.pk, csrf_token=csrf_token, answers=answers)
    else:
        parts = activity.for_forms(assignment_pk=assignment.pk, csrf_token=csrf_token, forms=forms)
    context = {
        "assignment": assignment,
        "activity": parts,
        "progress": Progress(answered=len(answers), total=activity.segment_count),
        "locked_reason": locked_reason,
        "feedback_available": feedback_available(assignment, attempt),
        "invalid_forms": [form for form in forms if form.errors] if forms else [],
        "csrf_token": csrf_token,
    }
    return render(request, TEMPLATE, context, status=status)


def _save_all(request, assignment, forms) -> int:
    """Save every answered sentence of the no-JavaScript form, all or none; return the status."""
    if not all(form.is_valid() for form in forms):
        return 400
    answers = [(form.segment, *form.answer, form.seen_revision) for form in forms if form.answer]
    try:
        with transaction.atomic():  # A refusal undoes the attempt it may have started, too.
            attempt = editable_attempt(request.user, assignment)
            saved = save_voice_answers(attempt=attempt, answers=answers)
            record_activity(attempt)
    except AttemptLocked as locked:  # Submitted in another tab, or due, a moment ago.
        messages.error(request, str(locked))
        return 409
    except AnswerChanged as changed:
        for form in forms:
            if form.segment in changed.segments:
                form.add_error(None, str(changed))
        return 409
    messages.success(request, ngettext("Saved %(n)d answer.", "Saved %(n)d answers.", saved) % {"n": saved})
    return 200


@require_POST
@student_required
def voice_save(request, assignment_pk, segment_pk):
    """Save one sentence's answer as it is chosen (htmx); answer with its status and the progress."""
    assignment = assignment_for_student(request.user, assignment_pk)
    segment = lesson_segments(assignment.lesson).by_pk.get(segment_pk)
    if segment is None:
        raise Http404  # A sentence of another lesson, or none.
    body = assignment.lesson.article.body
    form = VoiceAnswerForm(
        request.POST, segment=segment, text=body[segment.start : segment.end], require_voice=True
    )
    context = {"assignment": assignment, "form": form, "status": 200}
    if not form.is_valid():
        context.update(status=400, message=" ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            context.update(_save_one(request.user, assignment, segment, form))
        except AttemptLocked as locked:
            context.update(status=409, message=str(locked))
    if not request.htmx:
        # A form posted here without htmx: say what happened on the activity page.
        messages.info(request, context.get("message") or _("Answer saved."))
        return redirect("voices", assignment_pk=assignment.pk)
    if context.get("saved"):
        return HttpResponse(
            saved_status(
                assignment_pk=assignment.pk,
                form=form,
                revision=context["revision"],
                progress=context["progress"],
            )
        )
    return render(request, f"{TEMPLATE}#save-status", context, status=context["status"])


def _save_one(student, assignment, segment, form) -> dict:
    """Save one sentence's valid answer (starting the attempt if need be); return what the status shows."""
    voice, quote_source = form.answer
    try:
        # One transaction, so one commit, for the answer and the time spent.
        with transaction.atomic():
            attempt = editable_attempt(student, assignment)
            revision = save_voice_answer(
                attempt=attempt,
                segment=segment,
                voice=voice,
                quote_source=quote_source,
                revision=form.seen_revision,
            )
            record_activity(attempt)
    except AnswerChanged as changed:
        return {"status": 409, "message": str(changed)}
    # Counted after the commit: on SQLite every other save waits while a transaction writes.
    answered = answered_count(attempt)
    # The new revision goes back to the page, which sends it with its next change.
    return {
        "saved": True,
        "revision": revision,
        "oob_progress": True,
        "progress": Progress(answered=answered, total=len(lesson_segments(assignment.lesson).segments)),
    }


@require_GET
@student_required
def voices_feedback(request, assignment_pk):
    """Show each sentence with the student's label beside the key's, its credit, and the score."""
    assignment = assignment_for_student(request.user, assignment_pk)
    attempt = attempt_for(request.user, assignment)
    context = {"assignment": assignment, "attempt": attempt}
    if not feedback_available(assignment, attempt):
        # A friendly page, not a 404: the feedback exists, it is just not open yet.
        template = "teaching/voices_feedback_closed.html"
    else:
        template = "teaching/voices_feedback.html"
        lesson = assignment.lesson
        context["article"] = lesson.article
        context["voice_choices"] = VOICE_CHOICES
        context["feedback"] = voice_feedback(
            body=lesson.article.body, segments=lesson.segments.all(), answers=answers_by_segment(attempt)
        )
    return render(request, template, context)
