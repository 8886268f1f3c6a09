"""
A student's device marks: adding, relabelling and removing them, and the feedback on them.

The browser suggests where a mark goes; these functions decide what is stored.
A mark is snapped to whole words, kept inside the article, and saved once per
``client_id`` (a UUID the browser picks), so a save retried after a lost
response finds the mark it made instead of adding a second one.
"""

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teaching.grading import LessonKey, score_work
from teaching.mark_store import PlacedMark, insert_mark, student_marks
from teaching.models import Attempt, KeyDevice, Mark, Segment, Technique
from teaching.models.content import QuoteSource, Voice
from teaching.scoring import DeviceScore, snap_to_words

# A word as the keyboard path offers it: letters and digits, with an inner
# apostrophe or hyphen ("Russia’s", "so-called"), as scoring.snap_to_words sees words.
WORD = re.compile(r"\w+(?:['’\-‐‑]\w+)*")

# Quotation marks that open and close a quote, for telling quoted words from the
# outlet's own inside a partly quoted sentence. A straight " both opens and closes.
_OPENING_QUOTES = frozenset("“«„")
_CLOSING_QUOTES = frozenset("”»")


# How feedback shows each key item's status: a word and a symbol, never colour alone.
STATUS_DISPLAY = {
    "found": (gettext_lazy("Found"), "✓"),
    "partly": (gettext_lazy("Partly found"), "◐"),
    "misnamed": (gettext_lazy("Found, other name"), "≠"),
    "missed": (gettext_lazy("Missed"), "○"),
}


class MarkRefused(ValueError):
    """A mark that cannot be stored or changed; the message tells the student why."""


class MarkChanged(MarkRefused):
    """The mark was relabelled or removed (in another tab) since the page asking to change it saw it."""


def words_in(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the [start, end) of each word in ``body[start:end]``."""
    return [(match.start(), match.end()) for match in WORD.finditer(body, start, end)]


def _quoted(body: str, start: int, end: int) -> str:
    return f"“{body[start:end]}”"


def add_mark(
    *,
    attempt: Attempt,
    start: int,
    end: int,
    technique: Technique,
    client_id: uuid.UUID,
    marks: Sequence[PlacedMark] | None = None,
) -> tuple[Mark, bool]:
    """
    Store a mark snapped to whole words; return it and whether it is new (a replay is not).

    ``marks`` are the attempt's marks as read in the caller's transaction
    (``student_marks``), which the views need anyway; without them they are read here.
    It writes one row with one statement, so it needs no transaction of its own: a
    caller that must start the attempt first wraps both in one.
    """
    if marks is None:
        marks = student_marks(attempt.pk, Technique.objects.in_bulk())
    stored = next((mark for mark in marks if mark.client_id == str(client_id)), None)
    if stored is not None:
        return _as_model(stored, attempt), False
    if attempt.is_submitted:
        raise MarkRefused(_("You have submitted this assignment; it can no longer be changed."))
    body = attempt.assignment.lesson.article.body
    if not 0 <= start < end <= len(body):
        raise MarkRefused(
            _("That stretch (%(start)s to %(end)s) is not inside the article (%(length)s characters).")
            % {"start": start, "end": end, "length": len(body)}
        )
    snapped = snap_to_words(body, start, end)
    if snapped is None:
        raise MarkRefused(_("Select at least one word, not only spaces or punctuation."))
    start, end = snapped
    if any((m.start, m.end, m.technique.pk) == (start, end, technique.pk) for m in marks):
        raise MarkRefused(
            _("You have already marked %(text)s as %(technique)s.")
            % {"text": _quoted(body, start, end), "technique": technique.name}
        )
    created_at = timezone.now()
    pk = insert_mark(
        attempt_pk=attempt.pk,
        technique_pk=technique.pk,
        start=start,
        end=end,
        client_id=client_id,
        created_at=created_at,
    )
    if pk is None:
        # Lost a race with a replay of this same save (a retry, another tab): return the winner.
        winner = attempt.marks.select_related("technique").get(client_id=client_id)
        return winner, False
    mark = Mark(pk=pk, attempt=attempt, technique=technique, start=start, end=end, client_id=client_id)
    mark.created_at = created_at
    return mark, True


def _as_model(placed: PlacedMark, attempt: Attempt) -> Mark:
    return Mark(
        pk=placed.pk,
        attempt=attempt,
        technique=placed.technique,
        start=placed.start,
        end=placed.end,
        client_id=uuid.UUID(placed.client_id),
    )


def _locked_current(mark: Mark) -> Mark | None:
    """Return ``mark`` as stored now (None if removed), locked until the transaction ends."""
    if mark.attempt.is_submitted:
        raise MarkRefused(_("You have submitted this assignment; it can no longer be changed."))
    marks = Mark.objects.select_for_update(of=("self",)).select_related("technique")
    return marks.filter(pk=mark.pk).first()


def _refuse_if_relabelled(current: Mark, seen_technique: str | None) -> None:
    """Raise MarkChanged if the page showed the mark with another technique than it has now."""
    if seen_technique is not None and current.technique.slug != seen_technique:
        raise MarkChanged(
            _("That mark was relabelled %(technique)s in another tab — reload to see your marks.")
            % {"technique": current.technique.name}
        )


@transaction.atomic
def relabel_mark(*, mark: Mark, technique: Technique, seen_technique: str | None = None) -> Mark:
    """
    Give ``mark`` another technique; relabelling to the same one changes nothing.

    ``seen_technique`` is the slug the page showed the mark with: if another tab has
    relabelled or removed the mark since, raise MarkChanged rather than overwrite that.
    """
    current = _locked_current(mark)
    if current is None:
        raise MarkChanged(_("That mark was removed in another tab — reload to see your marks."))
    if current.technique_id == technique.pk:
        return current  # A replay, or both tabs chose the same technique.
    _refuse_if_relabelled(current, seen_technique)
    twin = current.attempt.marks.filter(start=current.start, end=current.end, technique=technique)
    if twin.exclude(pk=current.pk).exists():
        raise MarkRefused(
            _("You have already marked these words as %(technique)s.") % {"technique": technique.name}
        )
    current.technique = technique
    current.save(update_fields=["technique"])
    return current


@transaction.atomic
def remove_mark(*, mark: Mark, seen_technique: str | None = None) -> bool:
    """
    Delete ``mark``; return False if it was gone already. Undoing is adding it again with its client_id.

    A mark relabelled in another tab since the page saw it (``seen_technique``) is kept: MarkChanged.
    """
    current = _locked_current(mark)
    if current is None:
        return False  # A retried removal, or another tab removed it: nothing left to do.
    _refuse_if_relabelled(current, seen_technique)
    current.delete()
    return True


# Feedback ------------------------------------------------------------------


def _inside_quotes(text_before: str) -> bool:
    """Return whether a quotation is still open at the end of ``text_before``."""
    straight = text_before.count('"') % 2 == 1
    curly = sum(c in _OPENING_QUOTES for c in text_before) > sum(c in _CLOSING_QUOTES for c in text_before)
    return straight or curly


def voice_phrase(*, segment: Segment, start: int, body: str, outlet: str) -> str:
    """Return whose voice the words at ``start`` are in, e.g. "in TASS's paraphrase of Sergey Lavrov"."""
    speaker = segment.speaker or _("the speaker")
    names = {"speaker": speaker, "outlet": outlet}
    quoted = segment.voice == Voice.DIRECT or (
        segment.voice == Voice.PARTIAL and _inside_quotes(body[segment.start : start])
    )
    if segment.voice == Voice.NARRATION or (not quoted and speaker == outlet):
        return _("in %(outlet)s's own narration") % names
    if not quoted:
        return _("in %(outlet)s's paraphrase of %(speaker)s") % names
    if segment.quote_source == QuoteSource.QUOTED_OTHER:
        return _("in words %(speaker)s quotes from someone else") % names
    if segment.quote_source == QuoteSource.MIXED:
        return _("in %(speaker)s's quoted words, which also quote someone else") % names
    return _("in %(speaker)s's own words, quoted by %(outlet)s") % names


@dataclass(frozen=True)
class KeyItem:
    """One device of the key, with how the student did on it."""

    number: int  # Counted from 1, as the student sees it.
    device: KeyDevice
    status: str  # One of scoring.ITEM_STATUSES.
    named_as: Technique | None  # The technique the student gave instead, if misnamed.
    voice: str

    text_anchor = property(lambda self: f"key-{self.number}")
    list_anchor = property(lambda self: f"item-{self.number}")
    is_alarm = False

    @property
    def start(self) -> int:
        return self.device.start

    @property
    def end(self) -> int:
        return self.device.end

    @property
    def status_label(self) -> str:
        return STATUS_DISPLAY[self.status][0]

    @property
    def icon(self) -> str:
        return STATUS_DISPLAY[self.status][1]


@dataclass(frozen=True)
class FalseAlarm:
    """A mark of the student's that overlaps no device of the key."""

    number: int
    mark: Mark
    text: str
    in_neutral: bool  # Whether it sits in a sentence the key calls plain.

    text_anchor = property(lambda self: f"alarm-at-{self.number}")
    list_anchor = property(lambda self: f"alarm-{self.number}")
    is_alarm = True

    @property
    def start(self) -> int:
        return self.mark.start

    @property
    def end(self) -> int:
        return self.mark.end


@dataclass(frozen=True)
class DevicesFeedback:
    score: DeviceScore
    items: tuple[KeyItem, ...]
    false_alarms: tuple[FalseAlarm, ...]
    neutral_total: int

    @property
    def counts(self) -> dict[str, int]:
        """Return how many key items have each status."""
        counts = {"found": 0, "misnamed": 0, "partly": 0, "missed": 0}
        for item in self.items:
            counts[item.status] += 1
        return counts


def segment_at(segments: Sequence[Segment], offset: int) -> Segment | None:
    """Return the segment containing ``offset``, or None."""
    return next((s for s in segments if s.start <= offset < s.end), None)


def _device_voice(key: LessonKey, device: KeyDevice, outlet: str) -> str:
    segment = segment_at(key.segments, device.start)
    if segment is None:
        return ""
    return voice_phrase(segment=segment, start=device.start, body=key.body, outlet=outlet)


def feedback_on_marks(*, key: LessonKey, marks: Iterable[Mark], outlet: str) -> DevicesFeedback:
    """Score ``marks`` against ``key`` and explain every key item and false alarm."""
    marks = list(marks)
    score = score_work(key, [], marks).devices
    techniques = {mark.technique.slug: mark.technique for mark in marks}
    items = tuple(
        KeyItem(
            number=number,
            device=device,
            status=result.status,
            named_as=techniques.get(result.named_as) if result.named_as else None,
            voice=_device_voice(key, device, outlet),
        )
        for number, (device, result) in enumerate(zip(key.devices, score.items, strict=True), start=1)
    )
    neutral = [(s.start, s.end) for s in key.segments if s.neutral]
    alarms = tuple(
        FalseAlarm(
            number=number,
            mark=marks[index],
            text=key.body[marks[index].start : marks[index].end],
            in_neutral=any(start < marks[index].end and marks[index].start < end for start, end in neutral),
        )
        for number, index in enumerate(score.false_alarms, start=1)
    )
    return DevicesFeedback(score=score, items=items, false_alarms=alarms, neutral_total=len(neutral))
