"""
The voices activity page: rendered once per lesson version, filled in per student.

Every student of a lesson sees the same sentences, each with the same four labelled
choices. What differs from one student to the next is little: the assignment (in URLs)
and the CSRF token, and per sentence which choice is checked, the answer about the
quotes, the save status and the answer's revision. Rendering the 48 sentences through
the template costs a hundred times what the rest of the request does, so the activity is
rendered once per (lesson, content version, language, locked or not) with a marker
wherever one of those bits goes; a request then only puts its own bits in.

The cache is per process and keyed by ``Lesson.content_version`` (teaching/lesson_cache.py
says why that is safe).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from teaching.answers import VOICE_CHOICES, VOICE_MEANINGS, AnswerState
from teaching.forms.voices import VoiceAnswerForm, voice_answer_forms
from teaching.lesson_cache import RenderedOnce
from teaching.models import Lesson, Segment
from teaching.models.content import QuoteSource

TEMPLATE = "teaching/voices_activity.html"


# A few lessons are in use at a time. An entry is a lesson's sentences, or one rendering
# of its activity (some 200 KiB) per language and locked state.
_segments_cache = RenderedOnce(max_entries=64)
_activity_cache = RenderedOnce(max_entries=32)


# The lesson's sentences --------------------------------------------------------------


@dataclass(frozen=True)
class LessonSegments:
    segments: tuple[Segment, ...]  # In reading order. Shared between requests: never change them.
    by_pk: Mapping[int, Segment]


def lesson_segments(lesson: Lesson) -> LessonSegments:
    """Return the lesson's segments, read from the database once per content version of the lesson."""

    def load():
        segments = tuple(Segment.objects.filter(lesson_id=lesson.pk).order_by("position"))
        return LessonSegments(segments, {segment.pk: segment for segment in segments})

    return _segments_cache.get((lesson.pk, lesson.content_version), load)


# The rendered activity ---------------------------------------------------------------


class _Slot(NamedTuple):
    """A student's bit of the page: what ``kind`` it is, and for which sentence and label."""

    kind: str
    segment_pk: int = 0
    choice: str = ""

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.segment_pk}:{self.choice}"


# Escaped text never holds "<", so nothing but a marker can read like one.
_MARKER = re.compile(r"<lens-slot (\d+)>")
_VALUE_MARKER = "<lens-slot>"
# URLs are reversed with one of these in place of the assignment's id, which is then cut out.
# Eighteen digits: longer than any id, and checked against the lesson's own text.
_PLACEHOLDERS = (987654321098765432, 918273645546372819, 192837465564738291)
_ASSIGNMENT = _Slot("assignment")
_CSRF_TOKEN = _Slot("csrf_token")
# Where the page's own template goes on (with the notices, then the progress): the activity
# comes back in three parts, cut there.
_CUTS = (_Slot("notices"), _Slot("progress"))


class _Markers:
    """Hands out the markers the page is rendered with, and remembers the slot each stands for."""

    def __init__(self):
        self.slots: list[_Slot] = []

    def __call__(self, *slot) -> SafeString:
        self.slots.append(_Slot(*slot))
        return mark_safe(f"<lens-slot {len(self.slots) - 1}>")  # noqa: S308  # nosec B308 B703 (a number, nothing else)


class _Part(NamedTuple):
    """Rendered HTML cut at its slots: ``texts`` around the slots ``names`` (one text more than names)."""

    texts: tuple[str, ...]
    names: tuple[str, ...]

    def fill(self, values: Mapping[str, str]) -> SafeString:
        """Return the HTML with each slot's value from ``values`` (escaped HTML, like the texts)."""
        joined = [""] * (2 * len(self.names) + 1)
        joined[0::2] = self.texts
        joined[1::2] = [values[name] for name in self.names]
        return mark_safe("".join(joined))  # noqa: S308  # nosec B308 B703 (all escaped)


class _SentenceSlots(NamedTuple):
    """The names of one sentence's slots, and what goes in them, for filling in a saved answer."""

    checked: Mapping[str, str]  # label -> its slot's name
    revision: str
    revision_input: tuple[str, str]  # The hidden input before and after its value.
    quote_source: str | None
    quote_selects: Mapping[str | None, str] | None  # Value chosen -> the select (None: not offered).


class ActivityParts(NamedTuple):
    """The activity filled in for one student, in the three parts the page template puts together."""

    before_notices: SafeString
    before_progress: SafeString
    after_progress: SafeString


@dataclass(frozen=True)
class VoicesActivity:
    """
    One rendering of a lesson's activity, with a named place for each of a student's bits.

    ``parts`` are the rendered HTML cut at the slots. The slots: ``assignment`` (its id,
    in URLs), ``csrf_token``, and per sentence ``checked`` (" checked" or nothing, per
    label), ``quote_source`` (the sentence's select), ``status`` (its save status) and
    ``revision`` (its hidden input). ``unanswered`` holds what every sentence's slots show
    with no answer, so a student's page only needs the few values its answers change.
    """

    segment_count: int
    parts: tuple[_Part, _Part, _Part]
    slots: tuple[_Slot, ...]
    unanswered: Mapping[str, str]
    sentences: Mapping[int, _SentenceSlots]  # By segment id.

    def for_answers(
        self, *, assignment_pk: int, csrf_token: str, answers: Mapping[int, AnswerState]
    ) -> ActivityParts:
        """Return the activity as a student with these saved ``answers`` sees it."""
        values = dict(self.unanswered)
        values[_ASSIGNMENT.name] = str(int(assignment_pk))
        values[_CSRF_TOKEN.name] = conditional_escape(csrf_token)
        sentences = self.sentences
        for segment_pk, (voice, quote_source, revision) in answers.items():
            slots = sentences.get(segment_pk)
            if slots is None:
                continue  # Not one of this lesson's sentences (answers are checked when saved: never).
            if checked := slots.checked.get(voice):
                values[checked] = " checked"
            before, after = slots.revision_input
            values[slots.revision] = before + str(int(revision)) + after
            if slots.quote_selects:
                values[slots.quote_source] = (
                    slots.quote_selects.get(quote_source) or slots.quote_selects[None]
                )
        return self._fill(values)

    def for_forms(
        self, *, assignment_pk: int, csrf_token: str, forms: Sequence[VoiceAnswerForm]
    ) -> ActivityParts:
        """Return the activity showing ``forms`` (bound to a refused no-JavaScript post, errors and all)."""
        by_segment = {form.segment.pk: form for form in forms}
        assignment, token = str(int(assignment_pk)), conditional_escape(csrf_token)

        def value_of(slot: _Slot) -> str:
            kind, segment_pk, choice = slot
            if kind == "assignment":
                return assignment
            if kind == "csrf_token":
                return token
            form = by_segment[segment_pk]
            if kind == "checked":
                return " checked" if form["voice"].value() == choice else ""
            if kind == "revision":
                return str(form["revision"])
            if kind == "quote_source":
                return str(form["quote_source"])
            return render_to_string(f"{TEMPLATE}#save-status", {"form": form}) if form.errors else ""

        return self._fill({slot.name: value_of(slot) for slot in self.slots})

    def _fill(self, values: Mapping[str, str]) -> ActivityParts:
        return ActivityParts(*(part.fill(values) for part in self.parts))


def voices_activity(lesson: Lesson, *, locked: bool) -> VoicesActivity:
    """Return the lesson's activity, rendered once per content version, language and locked state."""
    key = (lesson.pk, lesson.content_version, get_language(), locked)
    return _activity_cache.get(key, lambda: _render(lesson, locked=locked))


def _render(lesson: Lesson, *, locked: bool) -> VoicesActivity:
    marker = _Markers()
    segments = lesson_segments(lesson).segments
    forms = voice_answer_forms(segments=segments, body=lesson.article.body, answers={}, disabled=locked)
    items, quote_selects, revision_inputs = [], {}, {}
    for form in forms:
        pk = form.segment.pk
        # The revision input as Django's widget renders it, cut where its value goes.
        form.initial["revision"] = mark_safe(_VALUE_MARKER)  # noqa: S308  # nosec B308 B703 (a constant)
        revision_inputs[pk] = tuple(str(form["revision"]).split(_VALUE_MARKER))
        if form.has_quotes:
            # None: a stored value the select does not offer, so it selects nothing.
            quote_selects[pk] = {
                value: _quote_select(form, value) for value in (None, "", *QuoteSource.values)
            }
        items.append(
            SimpleNamespace(
                form=form,
                choices=[
                    (str(value), name, marker("checked", pk, str(value))) for value, name in VOICE_CHOICES
                ],
                quote_source=marker("quote_source", pk) if form.has_quotes else "",
                status=marker("status", pk),
                revision=marker("revision", pk),
            )
        )
    placeholder = str(_placeholder(lesson))
    context = {
        "assignment": SimpleNamespace(pk=int(placeholder), lesson=lesson),
        "article": lesson.article,
        "items": items,
        "locked": locked,
        "voice_choices": [(value, name, VOICE_MEANINGS[value]) for value, name in VOICE_CHOICES],
        "csrf_token": marker(*_CSRF_TOKEN),
        "notices": marker(*_CUTS[0]),
        "progress": marker(*_CUTS[1]),
    }
    pieces = _cut(render_to_string(f"{TEMPLATE}#activity", context), marker.slots, placeholder)
    parts, slots = [([""], [])], []
    for piece in pieces:
        texts, names = parts[-1]
        if piece in _CUTS:
            parts.append(([""], []))
        elif type(piece) is str:
            texts[-1] += piece
        else:
            names.append(piece.name)
            texts.append("")
            slots.append(piece)
    if len(parts) != len(ActivityParts._fields):
        raise RuntimeError(f"{TEMPLATE}#activity must show notices, then progress, once each.")

    def unanswered(slot: _Slot) -> str:
        if slot.kind == "revision":
            return "0".join(revision_inputs[slot.segment_pk])
        if slot.kind == "quote_source":
            return quote_selects[slot.segment_pk][""]
        return ""  # No label checked, and nothing to say about saving yet.

    return VoicesActivity(
        segment_count=len(forms),
        parts=tuple(_Part(tuple(texts), tuple(names)) for texts, names in parts),
        slots=tuple(dict.fromkeys(slots)),
        unanswered={slot.name: unanswered(slot) for slot in slots if slot.segment_pk},
        sentences={
            form.segment.pk: _SentenceSlots(
                checked={
                    str(value): _Slot("checked", form.segment.pk, str(value)).name
                    for value, _ in VOICE_CHOICES
                },
                revision=_Slot("revision", form.segment.pk).name,
                revision_input=revision_inputs[form.segment.pk],
                quote_source=_Slot("quote_source", form.segment.pk).name if form.has_quotes else None,
                quote_selects=quote_selects.get(form.segment.pk),
            )
            for form in forms
        },
    )


def _cut(html: str, slots: Sequence[_Slot], placeholder: str) -> list[str | _Slot]:
    """Return ``html`` as its text between slots, and the slots its markers and ``placeholder`` stand for."""
    pieces = []
    # Odd places of the split hold the markers' numbers; even ones the HTML between them.
    for index, part in enumerate(_MARKER.split(html)):
        if index % 2:
            pieces.append(slots[int(part)])
            continue
        for number, text in enumerate(part.split(placeholder)):
            if number:
                pieces.append(_ASSIGNMENT)
            pieces.append(text)
    return pieces


def _placeholder(lesson: Lesson) -> int:
    """Return a stand-in for the assignment's id that the lesson's own text does not contain."""
    article = lesson.article
    texts = (lesson.title, article.title, article.outlet, article.body)
    return next(number for number in _PLACEHOLDERS if not any(str(number) in text for text in texts))


def _quote_select(form: VoiceAnswerForm, value: str | None) -> str:
    """Return the sentence's quote-source select as Django's widget renders it, with ``value`` chosen."""
    # A value no option has (the select's own values are short words) for "none chosen".
    stored = "<none>" if value is None else value
    variant = VoiceAnswerForm(segment=form.segment, text=form.text, answer=AnswerState("", stored, 0))
    variant.fields["quote_source"].disabled = form.fields["quote_source"].disabled
    return str(variant["quote_source"])
