"""
The devices activity: mark persuasion techniques in the article (its feedback: devices_feedback.py).

The page is the lesson's parts, rendered once per lesson version (teaching/devices_html.py),
with the student's marks laid over them. A change made through devices.js is answered with
what changed only: the count and the sentences the mark touches, to swap in out of band,
and the mark's entry for the list. Without JavaScript every form posts and comes back to the page.
"""

import re
import uuid
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET, require_POST

from teaching.access import student_required
from teaching.devices_html import (
    LessonParts,
    MarkForms,
    activity_stencil,
    article_html,
    count_html,
    lesson_parts,
    mark_item_html,
    mark_list_html,
    sentences_html,
)
from teaching.forms.devices import AddMarkForm, MarkChangeForm, selection_fields
from teaching.lesson_cache import RenderedOnce
from teaching.mark_store import student_marks
from teaching.marks import (
    MarkChanged,
    MarkRefused,
    add_mark,
    relabel_mark,
    remove_mark,
    words_in,
)
from teaching.models import Mark, Technique
from teaching.work import (
    AttemptLocked,
    assignment_for_student,
    attempt_for,
    editable_attempt,
    feedback_available,
    record_activity,
)

TEMPLATE = "teaching/devices_activity.html"
PICKER_TEMPLATE = "teaching/_devices_word_picker.html"
# Stands in for a mark's client_id in the URL template devices.js fills in.
URL_PLACEHOLDER_ID = uuid.UUID(int=0)
# Only these reach the generated stylesheet: loaddata skips the model's validators.
_SAFE_SLUG = re.compile(r"[A-Za-z0-9_-]+")
_SAFE_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


# Page pieces -----------------------------------------------------------------


def _locked_reason(student, assignment, attempt) -> str:
    """Return why the student's marks can no longer change, or "" while they can."""
    if not assignment.is_past_due() and (attempt is None or not attempt.is_submitted):
        # Open and not submitted: editable. (Asking editable_attempt would start an attempt just by looking.)
        return ""
    try:
        editable_attempt(student, assignment)
    except AttemptLocked as locked:
        return str(locked)
    return ""


def _word_picker(parts: LessonParts, sentence: Any, form: AddMarkForm | None) -> dict:
    """Return the keyboard path's state: the sentence picked (if any) and its words."""
    try:
        position = int(sentence)
    except (TypeError, ValueError):
        position = None
    segment = next((s for s in parts.segments if s.position == position), None)
    body = parts.body
    words = words_in(body, segment.start, segment.end) if segment else []
    return {
        "segment": segment,
        "text": body[segment.start : segment.end].strip() if segment else "",
        "words": [(index, body[start:end]) for index, (start, end) in enumerate(words)],
        "form": form,
        "client_id": uuid.uuid4(),
        "technique_options": parts.technique_options(form.data.get("technique") if form else None),
    }


_CHANGE_URLS = RenderedOnce(max_entries=1024)


def _change_url(assignment) -> str:
    """Return the mark_change URL for the placeholder id, which devices.js and the mark forms fill in."""
    return _CHANGE_URLS.get(
        (get_script_prefix(), assignment.pk),
        lambda: reverse("mark_change", args=[assignment.pk, URL_PLACEHOLDER_ID]),
    )


def _mark_forms(assignment, csrf_token: str) -> MarkForms:
    change_url = _change_url(assignment)
    return MarkForms.build(change_url=change_url, placeholder=str(URL_PLACEHOLDER_ID), csrf_token=csrf_token)


def _marks(parts: LessonParts, attempt) -> list:
    return student_marks(attempt.pk, parts.techniques_by_pk) if attempt is not None else []


def _page(request, assignment, parts: LessonParts, attempt, marks, *, sentence=None, form=None, status=200):
    """Render the whole activity page: the part the same for everyone once, the student's work each time."""
    locked_reason = _locked_reason(request.user, assignment, attempt)
    show_feedback = feedback_available(assignment, attempt)
    picker = _word_picker(parts, sentence, form)
    picking = picker["segment"] is not None
    around = {
        "assignment": assignment,
        "article": assignment.lesson.article,
        "locked_reason": locked_reason,
        "feedback_available": show_feedback,
        "change_url": _change_url(assignment),
        "placeholder_id": URL_PLACEHOLDER_ID,
        "picking": picking,
    }
    stencil = activity_stencil(parts, around, key=(assignment.pk, locked_reason, show_feedback, picking))
    # One CSRF token for the whole page: masking one costs as much as building the list of marks.
    context = {"assignment": assignment, "locked_reason": locked_reason, "picker": picker}
    context["csrf_token"] = csrf_token = get_token(request)
    context["activity"] = stencil.fill(
        count=count_html(marks),
        article=article_html(parts, marks),
        marks=mark_list_html(parts, marks, None if locked_reason else _mark_forms(assignment, csrf_token)),
        sentences=parts.sentence_options(picker["segment"].position if picking else None),
        picker=render_to_string(PICKER_TEMPLATE, context, request) if picking else "",
    )
    return render(request, TEMPLATE, context, status=status)


def _workspace(request, assignment, parts: LessonParts, attempt, marks) -> str:
    """Return the count, the article and the list of marks, each to swap in out of band."""
    locked = _locked_reason(request.user, assignment, attempt)
    forms = None if locked else _mark_forms(assignment, get_token(request))
    return (
        count_html(marks, oob=True)
        + article_html(parts, marks, oob=True)
        + mark_list_html(parts, marks, forms, oob=True)
    )


def _notice(message: str, *, saved: bool) -> str:
    """Return what happened, for devices.js to announce in its status line."""
    return f'<div id="dv-notice" hidden data-kind="{"saved" if saved else "refused"}">{escape(message)}</div>'


def _errors_text(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


def _quote(mark, body: str) -> str:
    return f"“{Truncator(body[mark.start : mark.end]).chars(60)}”"


def _in_order(marks) -> list:
    return sorted(marks, key=lambda mark: (mark.start, mark.end, mark.pk))


def _changed(request, assignment, parts, marks, *, mark, message, status, sentence=None, anchor="your-marks"):
    """
    Answer a change that was made: a form gets a redirect; htmx only what changed.

    That is the notice, the count, the sentences the mark covers (redrawn with all the
    student's marks over them) and, unless it was removed, the mark's entry in the list,
    in a <template> for devices.js to put in its place.
    """
    if not request.htmx:
        messages.success(request, message)
        url = reverse("devices", args=[assignment.pk])
        if sentence is not None:
            url += f"?sentence={sentence}"
        return redirect(f"{url}#{anchor}")
    items = ""
    if mark is not None:
        current = next((m for m in marks if str(m.client_id) == str(mark.client_id)), None)
        if current is not None:
            items = mark_item_html(parts, current, _mark_forms(assignment, get_token(request)))
    spans = [(mark.start, mark.end)] if mark is not None else []
    html = (
        _notice(message, saved=True)
        + count_html(marks, oob=True)
        + sentences_html(parts, marks, spans)
        + f'<template id="dv-changed-marks">{items}</template>'
    )
    return HttpResponse(html, status=status)


def _refused(request, assignment, parts, status, message, *, form=None):
    """
    Answer a change that was not made: a form gets the page again, saying why.

    htmx gets the reason; for a conflict (locked, or changed in another tab) also the
    count, article and list as they are now.
    """
    if not request.htmx:
        messages.error(request, message)
        attempt = attempt_for(request.user, assignment)
        sentence = form.data.get("segment") if isinstance(form, AddMarkForm) else None
        marks = _marks(parts, attempt)
        return _page(request, assignment, parts, attempt, marks, sentence=sentence, form=form, status=status)
    html = _notice(message, saved=False)
    if status == HTTPStatus.CONFLICT:
        attempt = attempt_for(request.user, assignment)
        html += _workspace(request, assignment, parts, attempt, _marks(parts, attempt))
    return HttpResponse(html, status=status)


# Views -----------------------------------------------------------------------


@require_GET
@student_required
def devices(request, assignment_pk):
    """Show the article to mark, the technique palette and the student's marks (htmx: one part)."""
    assignment = assignment_for_student(request.user, assignment_pk)
    parts = lesson_parts(assignment.lesson)
    if request.htmx and request.htmx.target == "word-picker":
        picker = _word_picker(parts, request.GET.get("sentence"), None)
        return render(request, PICKER_TEMPLATE, {"assignment": assignment, "picker": picker})
    attempt = attempt_for(request.user, assignment)
    marks = _marks(parts, attempt)
    if request.htmx:
        return HttpResponse(_workspace(request, assignment, parts, attempt, marks))
    return _page(request, assignment, parts, attempt, marks, sentence=request.GET.get("sentence"))


@require_POST
@student_required
def mark_add(request, assignment_pk):
    """Save a new mark, from a selection or from the sentence-and-words form; a replay changes nothing."""
    assignment = assignment_for_student(request.user, assignment_pk)
    parts = lesson_parts(assignment.lesson)
    fields, form = selection_fields(request.POST, parts.techniques), None
    if fields is None:  # The keyboard path, or a save to refuse: the form reads the one, explains the other.
        form = AddMarkForm(
            request.POST, body=parts.body, segments=parts.segments, techniques=parts.techniques
        )
        if not form.is_valid():
            return _refused(request, assignment, parts, HTTPStatus.BAD_REQUEST, _errors_text(form), form=form)
        fields = form.mark_fields
    sentence = form.cleaned_data.get("segment") if form is not None else None
    try:
        # One transaction, so one commit, for the mark and the time spent.
        with transaction.atomic():
            attempt = editable_attempt(request.user, assignment)
            attempt.assignment = assignment  # Loaded with its article already.
            marks = student_marks(attempt.pk, parts.techniques_by_pk)
            mark, created = add_mark(attempt=attempt, marks=marks, **fields)
            record_activity(attempt)
    except AttemptLocked as locked:
        return _refused(request, assignment, parts, HTTPStatus.CONFLICT, str(locked), form=form)
    except MarkRefused as refused:
        return _refused(request, assignment, parts, HTTPStatus.BAD_REQUEST, str(refused), form=form)
    if not any(str(m.client_id) == str(mark.client_id) for m in marks):
        marks = _in_order([*marks, mark])
    done = _("Marked %(text)s as %(technique)s.") if created else _("Already saved: %(text)s.")
    message = done % {"text": _quote(mark, parts.body), "technique": mark.technique.name}
    return _changed(
        request,
        assignment,
        parts,
        marks,
        mark=mark,
        message=message,
        status=HTTPStatus.CREATED if created else HTTPStatus.OK,
        sentence=sentence,
        anchor="mark-by-words" if sentence is not None else "your-marks",
    )


@require_POST
@student_required
def mark_change(request, assignment_pk, client_id):
    """Relabel or remove one of the student's own marks."""
    assignment = assignment_for_student(request.user, assignment_pk)
    parts = lesson_parts(assignment.lesson)
    mark = _own_mark(request.user, assignment, client_id)
    form = MarkChangeForm(request.POST, techniques=parts.techniques)
    if not form.is_valid():
        return _refused(request, assignment, parts, HTTPStatus.BAD_REQUEST, _errors_text(form))
    try:
        if mark is None:
            attempt, message = _change_missing_mark(request.user, assignment, form.cleaned_data)
        else:
            attempt, message = _change_mark(request.user, assignment, mark, form.cleaned_data)
    except (AttemptLocked, MarkChanged) as conflict:
        return _refused(request, assignment, parts, HTTPStatus.CONFLICT, str(conflict))
    except MarkRefused as refused:
        return _refused(request, assignment, parts, HTTPStatus.BAD_REQUEST, str(refused))
    marks = _marks(parts, attempt)
    return _changed(request, assignment, parts, marks, mark=mark, message=message, status=HTTPStatus.OK)


def _own_mark(student, assignment, client_id) -> Mark | None:
    """Return the student's mark ``client_id`` on ``assignment``; None if gone; Http404 if another's."""
    marks = Mark.objects.select_related("technique", "attempt").filter(client_id=client_id)
    mark = marks.filter(attempt__student=student, attempt__assignment=assignment).first()
    if mark is None and marks.exclude(attempt__student=student).exists():
        raise Http404  # Someone else's mark: not this student's to change, or to learn about.
    return mark


def _change_missing_mark(student, assignment, data: dict):
    """Answer a change to a mark that is not there (removed by a retry or another tab), changing nothing."""
    attempt = attempt_for(student, assignment)
    if locked_reason := _locked_reason(student, assignment, attempt):
        raise AttemptLocked(locked_reason)
    if data["action"] == "remove":
        return attempt, _("That mark was already removed.")
    raise MarkChanged(_("That mark was removed in another tab — reload to see your marks."))


def _change_mark(student, assignment, mark: Mark, data: dict):
    """Apply a relabel or a removal; return the attempt and what happened, in words."""
    text = _quote(mark, assignment.lesson.article.body)
    old = mark.technique
    seen = data["was"] or None
    with transaction.atomic():
        attempt = editable_attempt(student, assignment)
        if data["action"] == "remove":
            if remove_mark(mark=mark, seen_technique=seen):
                message = _("Removed the mark on %(text)s.") % {"text": text}
            else:
                message = _("That mark was already removed.")
        else:
            relabel_mark(mark=mark, technique=data["technique"], seen_technique=seen)
            message = _("Relabelled %(text)s: %(old)s → %(new)s.") % {
                "text": text,
                "old": old.name,
                "new": data["technique"].name,
            }
        record_activity(attempt)
    return attempt, message


@require_GET
@cache_page(60 * 5)
def technique_css(request):
    """Serve one CSS class per technique, built from the Technique rows, so colours stay data."""
    rules = ["/* Generated from the techniques table: one colour per technique. */"]
    for slug, colour in Technique.objects.order_by("position").values_list("slug", "colour"):
        if _SAFE_SLUG.fullmatch(slug) and _SAFE_COLOUR.fullmatch(colour):
            rules.append(f".tech-{slug} {{ --tech: {colour}; }}")
            rules.append(f".tech2-{slug} {{ --tech2: {colour}; }}")
    return HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
