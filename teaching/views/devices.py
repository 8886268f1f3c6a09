"""The devices activity: mark persuasion techniques in the article, then see the key laid over them."""

import re
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET, require_POST

from teaching.access import student_required
from teaching.forms.devices import AddMarkForm, MarkChangeForm
from teaching.grading import LessonKey
from teaching.marks import (
    STATUS_DISPLAY,
    DevicesFeedback,
    MarkChanged,
    MarkRefused,
    add_mark,
    feedback_on_marks,
    relabel_mark,
    remove_mark,
    words_in,
)
from teaching.models import Mark, Segment, Technique
from teaching.text_runs import runs_by_segment
from teaching.work import (
    AttemptLocked,
    assignment_for_student,
    attempt_for,
    editable_attempt,
    feedback_available,
    record_activity,
)

TEMPLATE = "teaching/devices_activity.html"
# Stands in for a mark's client_id in the URL template devices.js fills in.
URL_PLACEHOLDER_ID = uuid.UUID(int=0)
# Only these reach the generated stylesheet: loaddata skips the model's validators.
_SAFE_SLUG = re.compile(r"[A-Za-z0-9_-]+")
_SAFE_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


# Page pieces -----------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A paragraph or heading of the article, as runs of text under the same spans."""

    heading: bool
    runs: list


def article_blocks(body: str, segments, spans) -> list[Block]:
    """Return the article cut into paragraphs and headings, each a list of runs under ``spans``."""
    blocks: list[Block] = []
    ends_paragraph = True
    for segment, runs in runs_by_segment(body, segments, spans):
        heading = segment.kind == Segment.Kind.HEADING
        if ends_paragraph or heading or blocks[-1].heading:
            blocks.append(Block(heading=heading, runs=[]))
        blocks[-1].runs.extend(runs)
        text = body[segment.start : segment.end]
        # Segments keep their trailing blank lines; a line break there ends the paragraph.
        ends_paragraph = "\n" in text[len(text.rstrip()) :]
    return blocks


def palette(techniques) -> list[tuple[str, str, list[Technique]]]:
    """Return (family, family name, techniques) in Technique.Family order, each family by position."""
    order = {value: index for index, value in enumerate(Technique.Family.values)}
    groups: dict[str, list[Technique]] = {}
    for technique in sorted(techniques, key=lambda t: (order.get(t.family, len(order)), t.position, t.name)):
        groups.setdefault(technique.family, []).append(technique)
    labels = dict(Technique.Family.choices)
    return [(family, labels.get(family, family), members) for family, members in groups.items()]


def _locked_reason(student, assignment, attempt) -> str:
    """Return why the student's marks can no longer change, or "" while they can."""
    if attempt is None and not assignment.is_past_due():
        return ""  # Not started: checking would start an attempt just by looking.
    try:
        editable_attempt(student, assignment)
    except AttemptLocked as locked:
        return str(locked)
    return ""


def _word_picker(body: str, segments: list[Segment], sentence: Any, form: AddMarkForm | None) -> dict:
    """Return the keyboard path's state: the sentence picked (if any) and its words."""
    try:
        position = int(sentence)
    except (TypeError, ValueError):
        position = None
    segment = next((s for s in segments if s.position == position), None)
    words = words_in(body, segment.start, segment.end) if segment else []
    return {
        "segment": segment,
        "text": body[segment.start : segment.end].strip() if segment else "",
        "words": [(index, body[start:end]) for index, (start, end) in enumerate(words)],
        "form": form,
        "client_id": uuid.uuid4(),
    }


def _activity_context(request, assignment, *, sentence=None, form=None) -> dict:
    """Return everything the activity page and its fragments show."""
    lesson = assignment.lesson
    body = lesson.article.body
    attempt = attempt_for(request.user, assignment)
    segments = list(lesson.segments.order_by("position"))
    marks = list(attempt.marks.select_related("technique")) if attempt else []
    for mark in marks:
        mark.text = body[mark.start : mark.end]
    techniques = list(Technique.objects.order_by("position", "name"))
    return {
        "assignment": assignment,
        "article": lesson.article,
        "body_length": len(body),
        "blocks": article_blocks(body, segments, marks),
        "marks": marks,
        "palette": palette(techniques),
        "sentences": [(s.position, Truncator(body[s.start : s.end].strip()).chars(72)) for s in segments],
        "picker": _word_picker(body, segments, sentence, form),
        "locked_reason": _locked_reason(request.user, assignment, attempt),
        "feedback_available": feedback_available(assignment, attempt),
        "change_url": reverse("mark_change", args=[assignment.pk, URL_PLACEHOLDER_ID]),
        "placeholder_id": URL_PLACEHOLDER_ID,
    }


def _errors_text(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


def _quote(mark: Mark, body: str) -> str:
    return f"“{Truncator(body[mark.start : mark.end]).chars(60)}”"


def _after_change(request, assignment, *, status, message, form=None, anchor="your-marks"):
    """Answer a save: htmx gets the fresh article and list; a form a redirect, or the page if refused."""
    saved = status < HTTPStatus.BAD_REQUEST
    if saved and not request.htmx:
        messages.success(request, message)
        url = reverse("devices", args=[assignment.pk])
        if form is not None and form.cleaned_data.get("segment") is not None:
            url += f"?sentence={form.cleaned_data['segment']}"
        return redirect(f"{url}#{anchor}")
    if not request.htmx:
        messages.error(request, message)
    sentence = form.data.get("segment") if form is not None else None
    context = _activity_context(request, assignment, sentence=sentence, form=None if saved else form)
    context.update(notice=message, notice_kind="saved" if saved else "refused")
    template = f"{TEMPLATE}#workspace" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)


# Views -----------------------------------------------------------------------


@require_GET
@student_required
def devices(request, assignment_pk):
    """Show the article to mark, the technique palette and the student's marks (htmx: one part)."""
    assignment = assignment_for_student(request.user, assignment_pk)
    context = _activity_context(request, assignment, sentence=request.GET.get("sentence"))
    template = TEMPLATE
    if request.htmx:
        template += "#word-picker" if request.htmx.target == "word-picker" else "#workspace"
    return render(request, template, context)


@require_POST
@student_required
def mark_add(request, assignment_pk):
    """Save a new mark, from a selection or from the sentence-and-words form; a replay changes nothing."""
    assignment = assignment_for_student(request.user, assignment_pk)
    lesson = assignment.lesson
    body = lesson.article.body
    form = AddMarkForm(request.POST, body=body, segments=list(lesson.segments.all()))
    status, message = HTTPStatus.BAD_REQUEST, ""
    if not form.is_valid():
        message = _errors_text(form)
    else:
        try:
            with transaction.atomic():
                attempt = editable_attempt(request.user, assignment)
                attempt.assignment = assignment  # Loaded with its article already.
                mark, created = add_mark(attempt=attempt, **form.mark_fields)
        except AttemptLocked as locked:
            status, message = HTTPStatus.CONFLICT, str(locked)
        except MarkRefused as refused:
            message = str(refused)
        else:
            record_activity(attempt)
            status = HTTPStatus.CREATED if created else HTTPStatus.OK
            done = _("Marked %(text)s as %(technique)s.") if created else _("Already saved: %(text)s.")
            message = done % {"text": _quote(mark, body), "technique": mark.technique.name}
    anchor = "mark-by-words" if form.data.get("segment") else "your-marks"
    return _after_change(request, assignment, status=status, message=message, form=form, anchor=anchor)


@require_POST
@student_required
def mark_change(request, assignment_pk, client_id):
    """Relabel or remove one of the student's own marks."""
    assignment = assignment_for_student(request.user, assignment_pk)
    mark = _own_mark(request.user, assignment, client_id)
    form = MarkChangeForm(request.POST)
    status, message = HTTPStatus.BAD_REQUEST, _errors_text(form)
    if form.is_valid():
        try:
            if mark is None:
                message = _change_missing_mark(request.user, assignment, form.cleaned_data)
            else:
                message = _change_mark(request.user, assignment, mark, form.cleaned_data)
        except AttemptLocked as locked:
            status, message = HTTPStatus.CONFLICT, str(locked)
        except MarkChanged as changed:
            status, message = HTTPStatus.CONFLICT, str(changed)
        except MarkRefused as refused:
            message = str(refused)
        else:
            status = HTTPStatus.OK
    return _after_change(request, assignment, status=status, message=message)


def _own_mark(student, assignment, client_id) -> Mark | None:
    """Return the student's mark ``client_id`` on ``assignment``; None if gone; Http404 if another's."""
    marks = Mark.objects.select_related("technique", "attempt").filter(client_id=client_id)
    mark = marks.filter(attempt__student=student, attempt__assignment=assignment).first()
    if mark is None and marks.exclude(attempt__student=student).exists():
        raise Http404  # Someone else's mark: not this student's to change, or to learn about.
    return mark


def _change_missing_mark(student, assignment, data: dict) -> str:
    """Answer a change to a mark that is not there (removed by a retry or another tab), changing nothing."""
    if locked_reason := _locked_reason(student, assignment, attempt_for(student, assignment)):
        raise AttemptLocked(locked_reason)
    if data["action"] == "remove":
        return _("That mark was already removed.")
    raise MarkChanged(_("That mark was removed in another tab — reload to see your marks."))


def _change_mark(student, assignment, mark: Mark, data: dict) -> str:
    """Apply a relabel or a removal; return what happened, in words."""
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
    return message


@require_GET
@student_required
def devices_feedback(request, assignment_pk):
    """Show the article with the key laid over the student's marks, item by item, and the scores."""
    assignment = assignment_for_student(request.user, assignment_pk)
    attempt = attempt_for(request.user, assignment)
    context = {"assignment": assignment, "attempt": attempt}
    if not feedback_available(assignment, attempt):
        # A friendly page, not a 404: the feedback exists, it is just not open yet.
        template = "teaching/devices_feedback_closed.html"
    else:
        template = "teaching/devices_feedback.html"
        context.update(_feedback_context(assignment, attempt))
    return render(request, template, context)


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


# Feedback --------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackRun:
    """A run of the feedback article: its text, classes, and the anchors and badges around it."""

    text: str
    css: str
    opens: tuple  # Key items and false alarms that start here: their anchors go before the text.
    closes: tuple  # Key items and false alarms that end here: their badges go after it.


def _feedback_run(run, alarms: dict[int, Any]) -> FeedbackRun:
    items = [span for span in run.spans if not isinstance(span, Mark)]
    marks = [span for span in run.spans if isinstance(span, Mark)]
    css = []
    if items:
        css += ["dv-key", f"dv-key-{items[0].status}"]
    if marks:
        css += ["dv-hl", f"tech-{marks[0].technique.slug}", f"dv-fam-{marks[0].technique.family}"]
        if len(marks) > 1:
            css += ["dv-overlap", f"tech2-{marks[-1].technique.slug}"]
        if any(mark.pk in alarms for mark in marks):
            css.append("dv-alarm")
    mark_alarms = [alarms[mark.pk] for mark in marks if mark.pk in alarms]
    return FeedbackRun(
        text=run.text,
        css=" ".join(css),
        opens=tuple(s for s in [*items, *mark_alarms] if s.start == run.start),
        closes=tuple(s for s in [*items, *mark_alarms] if s.end == run.end),
    )


def _feedback_context(assignment, attempt) -> dict:
    lesson = assignment.lesson
    key = LessonKey.load(lesson)
    marks = list(attempt.marks.select_related("technique")) if attempt else []
    feedback: DevicesFeedback = feedback_on_marks(key=key, marks=marks, outlet=lesson.article.outlet)
    alarms = {alarm.mark.pk: alarm for alarm in feedback.false_alarms}
    blocks = [
        Block(heading=block.heading, runs=[_feedback_run(run, alarms) for run in block.runs])
        for block in article_blocks(key.body, key.segments, [*feedback.items, *marks])
    ]
    counts = feedback.counts
    return {
        "article": lesson.article,
        "feedback": feedback,
        "blocks": blocks,
        "mark_count": len(marks),
        "legend": [(status, label, icon) for status, (label, icon) in STATUS_DISPLAY.items()],
        "tally": [(status, label, icon, counts[status]) for status, (label, icon) in STATUS_DISPLAY.items()],
    }
