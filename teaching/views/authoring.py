"""
Authoring: paste an article, correct the drafted key, decide the suggestions, publish.

Every change is a plain form that posts and redirects back to the editor; with
htmx the same POST answers with the part of the editor it changed. A draft is
its author's (and staff's) alone: anyone else gets a 404, as for a lesson that
does not exist. A published lesson is read-only: its editor sends people to
the library page.
"""

import json
from dataclasses import dataclass
from functools import partial, wraps
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from teaching.access import teacher_required
from teaching.authoring import (
    AuthoringRefused,
    PublishRefused,
    accept_suggestion,
    add_key_device,
    bundle_for_download,
    create_draft_lesson,
    delete_draft,
    delete_key_device,
    publish_lesson,
    publish_problems,
    quote_report,
    reject_suggestion,
    update_key_device,
    update_lesson_details,
    update_segment_key,
)
from teaching.forms.authoring import (
    AddDeviceForm,
    ArticleForm,
    ExplanationForm,
    KeyDeviceForm,
    LessonDetailsForm,
    SegmentKeyForm,
    scope_words,
    technique_choices,
)
from teaching.models import DraftSuggestion, Lesson
from teaching.text_runs import runs_by_segment

EDITOR = "teaching/lesson_edit.html"


@dataclass
class Item:
    """A sentence, key device or suggestion on the editor page, with its form(s)."""

    obj: Any
    form: Any  # A key device's or suggestion's full form only while it is being edited.
    number: int = 0
    text: str = ""
    key: str = ""  # Names its forms' ids and the ?edit= value that opens its full form.
    note: Any = None  # A key device's explanation-only form.


def draft_required(view):
    """Pass the view the draft ``slug``: a stranger's draft is a 404; a published lesson, the library."""

    @wraps(view)
    def wrapped(request, slug, **kwargs):
        lesson = get_object_or_404(
            Lesson.objects.visible_to(request.user).select_related("article"), slug=slug
        )
        if lesson.status != Lesson.Status.DRAFT:
            messages.info(
                request,
                _("“%(title)s” is published: it can be read and assigned, not edited.")
                % {"title": lesson.title},
            )
            url = reverse("lesson_detail", args=[lesson.slug])
            if request.htmx:
                return HttpResponse(status=HTTPStatus.CONFLICT, headers={"HX-Redirect": url})
            return redirect(url)
        return view(request, lesson, **kwargs)

    return wrapped


def _editor_context(lesson, *, bound=None, sentence=None, editing="", notice="", notice_kind="saved") -> dict:
    """
    Return everything the editor and its fragments show.

    ``bound`` holds forms that were refused, shown with their errors. A key
    device's or suggestion's full form (technique and words) is built only for
    the item named by ``editing``: hundreds of word lists would make the page slow.
    """
    bound = bound or {}
    body = lesson.article.body
    segments = list(lesson.segments.order_by("position"))
    devices = list(lesson.key_devices.select_related("technique"))
    pending = list(
        lesson.suggestions.filter(status=DraftSuggestion.Status.PENDING).select_related("technique")
    )
    choices = technique_choices() if editing or bound else None

    def span_form(key, obj, explanation):
        if key in bound or key != editing:
            return bound.get(key)
        return KeyDeviceForm(
            body=body,
            words=scope_words(body, segments, obj.start, obj.end),
            span=(obj.start, obj.end),
            choices=choices,
            auto_id=f"{key}-%s",
            initial={"technique": obj.technique.slug, "explanation": explanation},
            # The teacher asked for this form: take the keyboard straight to it.
            autofocus=True,
        )

    def number_of(obj):
        return next((s.position + 1 for s in segments if s.start <= obj.start < s.end), 0)

    def device_item(device):
        key = f"dev{device.pk}"
        note = bound.get(f"note{device.pk}") or ExplanationForm(
            initial={"explanation": device.explanation}, auto_id=f"{key}-%s"
        )
        return Item(device, span_form(key, device, device.explanation), number_of(device), key=key, note=note)

    quote_count, quote_problems = quote_report(body)
    return {
        "lesson": lesson,
        "article": lesson.article,
        "segment_items": [
            Item(
                s,
                bound.get(f"seg{s.position}") or SegmentKeyForm(instance=s),
                s.position + 1,
                body[s.start : s.end],
            )
            for s in segments
        ],
        "device_items": [device_item(d) for d in devices],
        "suggestion_items": [
            Item(
                s, span_form(f"sug{s.pk}", s, s.reason), number_of(s), body[s.start : s.end], key=f"sug{s.pk}"
            )
            for s in pending
        ],
        "decided_count": lesson.suggestions.exclude(status=DraftSuggestion.Status.PENDING).count(),
        "segment_runs": runs_by_segment(body, segments, devices),
        "sentences": [(s.position, Truncator(body[s.start : s.end].strip()).chars(72)) for s in segments],
        "add_form": bound.get("add")
        or AddDeviceForm(body=body, segments=segments, sentence=sentence, auto_id="add-%s"),
        "details_form": bound.get("details") or LessonDetailsForm(instance=lesson, auto_id="details-%s"),
        "problems": publish_problems(lesson),
        "quote_count": quote_count,
        "quote_problems": quote_problems,
        "notice": notice,
        "notice_kind": notice_kind,
    }


def _answer(request, lesson, part, anchor, message, *, bound=None, refused=False):
    """Answer a change: htmx gets the changed part; a plain form a redirect, or the page if refused."""
    refused = refused or bool(bound)
    if not request.htmx and not refused:
        messages.success(request, message)
        return redirect(f"{reverse('lesson_edit', args=[lesson.slug])}#{anchor}")
    if not request.htmx:
        messages.error(request, message)
    context = _editor_context(
        lesson, bound=bound, notice=message, notice_kind="refused" if refused else "saved"
    )
    context["oob"] = True
    template = f"{EDITOR}#{part}" if request.htmx else EDITOR
    return render(request, template, context, status=HTTPStatus.BAD_REQUEST if refused else HTTPStatus.OK)


def _errors_text(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


# Pages -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@teacher_required
def lesson_new(request):
    """Take a pasted article and make a draft lesson of it."""
    form = ArticleForm(request.POST or None)
    if form.is_valid():
        try:
            lesson = create_draft_lesson(author=request.user, **form.cleaned_data)
        except AuthoringRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _(
                    "Draft ready: %(segments)s sentences and headings, %(suggestions)s suggested devices. "
                    "Check each one, then publish."
                )
                % {"segments": lesson.segments.count(), "suggestions": lesson.suggestions.count()},
            )
            return redirect("lesson_edit", slug=lesson.slug)
    return render(request, "teaching/lesson_new.html", {"form": form})


@require_GET
@teacher_required
@draft_required
def lesson_edit(request, lesson):
    """Show the draft's editor (htmx: the word picker, or one item's technique-and-words form)."""
    editing = request.GET.get("edit", "")
    context = _editor_context(lesson, sentence=request.GET.get("sentence"), editing=editing)
    template = EDITOR
    if request.htmx and request.htmx.target == "word-picker":
        template = "teaching/_authoring_add_device.html#word-picker"
    elif request.htmx and editing and request.htmx.target == f"{editing}-edit":
        items = [*context["device_items"], *context["suggestion_items"]]
        context["item"] = next((item for item in items if item.key == editing), None)
        if context["item"] is None:
            raise Http404
        template = f"teaching/_authoring_{'device' if editing.startswith('dev') else 'suggestion'}_edit.html"
    return render(request, template, context)


@require_POST
@teacher_required
@draft_required
def lesson_details(request, lesson):
    """Save the draft's title and summary."""
    form = LessonDetailsForm(request.POST, instance=lesson, auto_id="details-%s")
    if not form.is_valid():
        return _answer(
            request, lesson, "details-changed", "details", _errors_text(form), bound={"details": form}
        )
    update_lesson_details(lesson=lesson, **form.cleaned_data)
    return _answer(request, lesson, "details-changed", "details", _("Title and summary saved."))


@require_POST
@teacher_required
@draft_required
def segment_save(request, lesson, position):
    """Save one sentence's voices key."""
    segment = get_object_or_404(lesson.segments, position=position)
    form = SegmentKeyForm(request.POST, instance=segment)
    anchor, number = f"segment-{position}", position + 1
    if not form.is_valid():
        message = _("Sentence %(n)s was not saved: %(errors)s") % {"n": number, "errors": _errors_text(form)}
        return _answer(request, lesson, "segment-saved", anchor, message, bound={f"seg{position}": form})
    update_segment_key(segment=segment, **form.cleaned_data)
    return _answer(request, lesson, "segment-saved", anchor, _("Sentence %(n)s saved.") % {"n": number})


@require_POST
@teacher_required
@draft_required
def device_add(request, lesson):
    """Add a device to the key from a sentence, its first and last word, a technique and an explanation."""
    form = AddDeviceForm(
        request.POST, body=lesson.article.body, segments=list(lesson.segments.all()), auto_id="add-%s"
    )
    change = partial(add_key_device, lesson=lesson)
    return _save_device(
        request, lesson, form, "add", change, _("Added “%(text)s” to the key as %(technique)s.")
    )


@require_POST
@teacher_required
@draft_required
def device_update(request, lesson, device_pk):
    """Change a key device's explanation, or (from its full form) its technique, words and explanation."""
    device = get_object_or_404(lesson.key_devices.select_related("technique"), pk=device_pk)
    if "technique" in request.POST:
        key, form = f"dev{device.pk}", _span_form(request, lesson, device, key=f"dev{device.pk}")
    else:
        key, form = (
            f"note{device.pk}",
            ExplanationForm(request.POST, device=device, auto_id=f"dev{device.pk}-%s"),
        )
    change = partial(update_key_device, device=device)
    return _save_device(request, lesson, form, key, change, _("Saved “%(text)s” (%(technique)s)."))


@require_POST
@teacher_required
@draft_required
def device_delete(request, lesson, device_pk):
    """Take a device out of the key."""
    device = get_object_or_404(lesson.key_devices.select_related("technique"), pk=device_pk)
    delete_key_device(device=device)
    message = _("Removed “%(text)s” from the key.") % {"text": Truncator(device.text).chars(60)}
    return _answer(request, lesson, "devices-changed", "key", message)


@require_POST
@teacher_required
@draft_required
def suggestion_accept(request, lesson, suggestion_pk):
    """Accept a suggestion into the key: as it is, or with the technique, words or explanation changed."""
    suggestion = get_object_or_404(
        lesson.suggestions.select_related("technique", "lesson__article"), pk=suggestion_pk
    )
    done = _("Accepted “%(text)s” as %(technique)s.")
    if "technique" not in request.POST:
        return _decide(request, lesson, lambda: accept_suggestion(suggestion=suggestion), done)
    form = _span_form(request, lesson, suggestion, key=f"sug{suggestion.pk}")
    change = partial(accept_suggestion, suggestion=suggestion)
    return _save_device(request, lesson, form, f"sug{suggestion.pk}", change, done)


@require_POST
@teacher_required
@draft_required
def suggestion_reject(request, lesson, suggestion_pk):
    """Leave a suggestion out of the key."""
    suggestion = get_object_or_404(lesson.suggestions.select_related("lesson__article"), pk=suggestion_pk)
    text = Truncator(lesson.article.body[suggestion.start : suggestion.end]).chars(60)
    done = _("Rejected the suggestion “%(text)s”.") % {"text": text}
    return _decide(request, lesson, lambda: reject_suggestion(suggestion=suggestion), done)


@require_POST
@teacher_required
@draft_required
def lesson_publish(request, lesson):
    """Publish the draft once its key is complete; suggestions still waiting are discarded."""
    try:
        publish_lesson(lesson=lesson)
    except PublishRefused as refused:
        messages.error(
            request,
            _("Not published yet. Fix these first: %(problems)s")
            % {"problems": " ".join(refused.problems[:5]) + (" …" if len(refused.problems) > 5 else "")},
        )
        return redirect(f"{reverse('lesson_edit', args=[lesson.slug])}#publish")
    messages.success(
        request,
        _("“%(title)s” is published. Assign it to a class from the class's page.") % {"title": lesson.title},
    )
    return redirect("lesson_detail", slug=lesson.slug)


@require_POST
@teacher_required
@draft_required
def lesson_delete(request, lesson):
    """Delete a draft and everything drafted for it."""
    delete_draft(lesson=lesson)
    messages.success(request, _("Deleted the draft “%(title)s”.") % {"title": lesson.title})
    return redirect("lesson_list")


@require_GET
@teacher_required
def lesson_export(request, slug):
    """Download a lesson the teacher may see, draft or published, as a lesson-bundle/1 document."""
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user).select_related("article"), slug=slug)
    document = json.dumps(bundle_for_download(lesson), ensure_ascii=False, indent=2)
    response = HttpResponse(document + "\n", content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{lesson.slug}.json"'
    return response


# Helpers for the device views ---------------------------------------------------


def _span_form(request, lesson, obj, *, key):
    body = lesson.article.body
    return KeyDeviceForm(
        request.POST,
        body=body,
        words=scope_words(body, list(lesson.segments.all()), obj.start, obj.end),
        span=(obj.start, obj.end),
        auto_id=f"{key}-%s",
    )


def _save_device(request, lesson, form, key, change, done):
    """Run ``change`` with the valid form's device fields; answer with the devices part (or errors)."""
    if form.is_valid():
        try:
            device = change(**form.device_fields)
        except AuthoringRefused as refused:
            form.add_error(None, str(refused))
        else:
            message = done % {"text": Truncator(device.text).chars(60), "technique": device.technique.name}
            return _answer(request, lesson, "devices-changed", f"device-{device.pk}", message)
    return _answer(request, lesson, "devices-changed", "key", _errors_text(form), bound={key: form})


def _decide(request, lesson, change, done):
    """Accept or reject a suggestion as it is; one already decided is refused, changing nothing."""
    try:
        result = change()
    except AuthoringRefused as refused:
        return _answer(request, lesson, "devices-changed", "suggestions", str(refused), refused=True)
    if result is not None:
        done %= {"text": Truncator(result.text).chars(60), "technique": result.technique.name}
    return _answer(request, lesson, "devices-changed", "suggestions", done)
