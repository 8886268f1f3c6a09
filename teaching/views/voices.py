"""The voices activity: sort every sentence by whose words it is, then see the feedback."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from teaching.access import student_required
from teaching.answers import (
    VOICE_CHOICES,
    VOICE_MEANINGS,
    answers_by_segment,
    save_voice_answer,
    save_voice_answers,
    voice_feedback,
    voice_progress,
)
from teaching.forms.voices import VoiceAnswerForm, voice_answer_forms
from teaching.models import Segment
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
    if attempt is None and not assignment.is_past_due():
        return ""  # Not started: checking would start an attempt just by looking.
    try:
        editable_attempt(student, assignment)
    except AttemptLocked as locked:
        return str(locked)
    return ""


def _page_context(request, assignment, *, data=None, locked_reason=""):
    """Return the activity page's context: one form per segment, the progress, and any lock."""
    attempt = attempt_for(request.user, assignment)
    locked_reason = locked_reason or _locked_reason(request.user, assignment, attempt)
    lesson = assignment.lesson
    return {
        "assignment": assignment,
        "article": lesson.article,
        "forms": voice_answer_forms(
            segments=lesson.segments.all(),
            body=lesson.article.body,
            answers=answers_by_segment(attempt),
            data=data,
            disabled=bool(locked_reason),
        ),
        "progress": voice_progress(attempt, lesson),
        "locked_reason": locked_reason,
        "feedback_available": feedback_available(assignment, attempt),
        "voice_choices": [(value, name, VOICE_MEANINGS[value]) for value, name in VOICE_CHOICES],
    }


@require_http_methods(["GET", "POST"])
@student_required
def voices(request, assignment_pk):
    """Show the article with a four-way choice per sentence; POST saves them all (the no-JavaScript way)."""
    assignment = assignment_for_student(request.user, assignment_pk)
    status, data, locked_reason = 200, None, ""
    if request.method == "POST":
        try:
            attempt = editable_attempt(request.user, assignment)
        except AttemptLocked as locked:
            status, locked_reason = 409, str(locked)
        else:
            data = request.POST
    context = _page_context(request, assignment, data=data, locked_reason=locked_reason)
    if data is not None:
        forms = context["forms"]
        if all(form.is_valid() for form in forms):
            saved = save_voice_answers(
                attempt=attempt, answers=[(f.segment, *f.answer) for f in forms if f.answer]
            )
            record_activity(attempt)
            messages.success(
                request, ngettext("Saved %(n)d answer.", "Saved %(n)d answers.", saved) % {"n": saved}
            )
            # "Save and submit…" goes on to the confirmation page.
            then = "attempt_submit" if request.POST.get("then") == "submit" else "voices"
            return redirect(then, assignment_pk=assignment.pk)
        status = 400
        context["invalid_forms"] = [form for form in forms if form.errors]
    return render(request, TEMPLATE, context, status=status)


@require_POST
@student_required
def voice_save(request, assignment_pk, segment_pk):
    """Save one sentence's answer as it is chosen (htmx); answer with its status and the progress."""
    assignment = assignment_for_student(request.user, assignment_pk)
    segment = get_object_or_404(Segment, pk=segment_pk, lesson_id=assignment.lesson_id)
    body = assignment.lesson.article.body
    form = VoiceAnswerForm(
        request.POST, segment=segment, text=body[segment.start : segment.end], require_voice=True
    )
    context = {"assignment": assignment, "form": form, "status": 200}
    try:
        attempt = editable_attempt(request.user, assignment)
    except AttemptLocked as locked:
        context.update(status=409, message=str(locked))
    else:
        if form.is_valid():
            save_voice_answer(
                attempt=attempt, segment=segment, voice=form.answer[0], quote_source=form.answer[1]
            )
            record_activity(attempt)
            context.update(saved=True, oob_progress=True, progress=voice_progress(attempt, assignment.lesson))
        else:
            context.update(status=400, message=" ".join(e for errors in form.errors.values() for e in errors))
    if not request.htmx:
        # A form posted here without htmx: say what happened on the activity page.
        messages.info(request, context.get("message") or _("Answer saved."))
        return redirect("voices", assignment_pk=assignment.pk)
    return render(request, f"{TEMPLATE}#save-status", context, status=context["status"])


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
