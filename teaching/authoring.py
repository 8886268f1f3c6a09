"""
Authoring a lesson from a pasted article: draft it, correct its key, publish it.

The drafting engine proposes and the teacher decides. A new draft's segments
carry the engine's voices and speakers; its key starts with no devices, and each
device the engine suggests waits as a ``DraftSuggestion`` until the teacher
accepts it (it becomes a ``KeyDevice``) or rejects it. Every write here refuses
to touch a published lesson, so a lesson a class may be working on never shifts.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.text import Truncator, get_text_list, slugify
from django.utils.translation import gettext as _

from teaching.bundles import BundleError, create_article_and_segments, export_bundle, validate_bundle
from teaching.content_versions import bump_content_version
from teaching.drafting import draft_lesson, find_quotes
from teaching.models import DraftSuggestion, KeyDevice, Lesson, Segment, Technique, User
from teaching.models.content import QuoteSource, Voice
from teaching.scoring import snap_to_words

# A lesson is read closely, sentence by sentence: 20,000 characters is about
# 3,000 words, already more than a class reads in one lesson.
MAX_BODY_LENGTH = 20_000
LANGUAGES = ("en", "ru")
_SLUG_LENGTH = 50  # Lesson.slug's max_length.
# Slugs that name a page under lessons/ rather than a lesson.
_RESERVED_SLUGS = frozenset({"new"})
_BUNDLE_FIELD = re.compile(r"^(segments|devices)\[(\d+)\](?:\.(\w+))?$")


class AuthoringRefused(ValueError):
    """A change a draft cannot take; the message says why, in words for the teacher."""


class PublishRefused(AuthoringRefused):
    """A draft that is not ready to publish; ``problems`` lists everything left to fix."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


# Drafting ----------------------------------------------------------------------


def _unique_slug(base: str) -> str:
    """Return ``base`` (or ``base-2``, ``base-3`` …) cut to fit, unused by any lesson."""
    base = slugify(base)[:_SLUG_LENGTH].strip("-") or "draft"
    slug, number = base, 1
    while slug in _RESERVED_SLUGS or Lesson.objects.filter(slug=slug).exists():
        number += 1
        suffix = f"-{number}"
        slug = base[: _SLUG_LENGTH - len(suffix)].strip("-") + suffix
    return slug


@transaction.atomic
def create_draft_lesson(
    *,
    author: User,
    title: str,
    outlet: str,
    published: datetime.date | str,
    language: str,
    body: str,
) -> Lesson:
    """Draft a lesson from an article: segments with drafted voices, and suggestions beside the key."""
    if not body.strip():
        raise AuthoringRefused(_("Paste the article's text: it is empty."))
    if len(body) > MAX_BODY_LENGTH:
        raise AuthoringRefused(
            _("The article is %(length)s characters long; paste at most %(limit)s.")
            % {"length": f"{len(body):,}", "limit": f"{MAX_BODY_LENGTH:,}"}
        )
    if language not in LANGUAGES:
        raise AuthoringRefused(_("Choose the article's language from the list."))
    try:
        bundle = draft_lesson(title=title, outlet=outlet, published=published, language=language, body=body)
    except ValueError as error:
        raise AuthoringRefused(_("The article could not be drafted: %(error)s") % {"error": error}) from None

    lesson = Lesson.objects.create(
        slug=_unique_slug(bundle["lesson"]["slug"]),
        title=title,
        status=Lesson.Status.DRAFT,
        created_by=author,
    )
    speaker_length = Segment._meta.get_field("speaker").max_length
    for segment in bundle["segments"]:
        # A drafted speaker is a guess from the text; the field's limit is not the teacher's problem.
        segment["speaker"] = segment["speaker"][:speaker_length]
    create_article_and_segments(lesson, bundle)
    techniques = Technique.objects.in_bulk(field_name="slug")
    DraftSuggestion.objects.bulk_create(
        DraftSuggestion(
            lesson=lesson,
            start=suggestion["start"],
            end=suggestion["end"],
            technique=techniques[suggestion["technique"]],
            reason=suggestion["reason"],
            confidence=min(max(float(suggestion["confidence"]), 0.0), 1.0),
        )
        # A suggestion naming a technique this site has not loaded cannot become a key item.
        for suggestion in bundle["suggestions"]
        if suggestion["technique"] in techniques
    )
    return lesson


@dataclass(frozen=True)
class QuoteProblem:
    """A quotation mark the engine could not pair, with the words around it."""

    position: int
    mark: str
    problem: str
    context: str


def quote_report(body: str) -> tuple[int, list[QuoteProblem]]:
    """Return how many quoted fragments the body has, and the marks that could not be paired."""
    scan = find_quotes(body)
    problems = [
        QuoteProblem(
            stray.position,
            stray.mark,
            stray.problem,
            " ".join(body[max(stray.position - 40, 0) : stray.position + 40].split()),
        )
        for stray in scan.unbalanced
    ]
    return len(scan.quotes), problems


# Changing a draft's key ------------------------------------------------------


def _require_draft(lesson: Lesson) -> None:
    if lesson.status != Lesson.Status.DRAFT:
        raise AuthoringRefused(
            _("“%(title)s” is published; its key can no longer change.") % {"title": lesson}
        )


def _snapped_span(body: str, start: int, end: int) -> tuple[int, int]:
    """Return ``[start, end)`` widened to whole words and trimmed, or refuse a span outside the body."""
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body)):
        raise AuthoringRefused(
            _("The stretch %(start)s–%(end)s is not inside the article (0 to %(length)s).")
            % {"start": start, "end": end, "length": len(body)}
        )
    snapped = snap_to_words(body, start, end)
    if snapped is None:
        raise AuthoringRefused(_("That stretch holds no words: choose at least one word."))
    return snapped


def _renumber_devices(lesson: Lesson) -> None:
    """Number the key's devices in text order, as a bundle lists them."""
    devices = list(lesson.key_devices.order_by("start", "end", "technique__position", "pk"))
    # Park every position out of the way first: (lesson, position) is unique at each step.
    offset = (lesson.key_devices.aggregate(top=Max("position"))["top"] or 0) + 1
    for device in devices:
        device.position += offset
    KeyDevice.objects.bulk_update(devices, ["position"])
    for position, device in enumerate(devices):
        device.position = position
    KeyDevice.objects.bulk_update(devices, ["position"])
    bump_content_version(lesson.pk)  # bulk_update sends no signals


def _refuse_duplicate(lesson: Lesson, start: int, end: int, technique: Technique, *, exclude=None) -> None:
    twins = lesson.key_devices.filter(start=start, end=end, technique=technique)
    if exclude is not None:
        twins = twins.exclude(pk=exclude.pk)
    if twins.exists():
        raise AuthoringRefused(
            _("The key already marks “%(text)s” as %(technique)s.")
            % {"text": Truncator(lesson.article.body[start:end]).chars(60), "technique": technique.name}
        )


@transaction.atomic
def add_key_device(
    *, lesson: Lesson, start: int, end: int, technique: Technique, explanation: str
) -> KeyDevice:
    """Add a device to a draft's key, snapped to whole words; return it."""
    _require_draft(lesson)
    body = lesson.article.body
    start, end = _snapped_span(body, start, end)
    _refuse_duplicate(lesson, start, end, technique)
    top = lesson.key_devices.aggregate(top=Max("position"))["top"]
    device = KeyDevice.objects.create(
        lesson=lesson,
        position=0 if top is None else top + 1,
        technique=technique,
        start=start,
        end=end,
        text=body[start:end],
        explanation=explanation.strip(),
    )
    _renumber_devices(lesson)
    device.refresh_from_db()
    return device


@transaction.atomic
def update_key_device(
    *, device: KeyDevice, start: int, end: int, technique: Technique, explanation: str
) -> KeyDevice:
    """Change a key device's stretch, technique or explanation; return it."""
    lesson = device.lesson
    _require_draft(lesson)
    body = lesson.article.body
    start, end = _snapped_span(body, start, end)
    _refuse_duplicate(lesson, start, end, technique, exclude=device)
    device.start, device.end, device.text = start, end, body[start:end]
    device.technique = technique
    device.explanation = explanation.strip()
    device.save(update_fields=["start", "end", "text", "technique", "explanation"])
    _renumber_devices(lesson)
    device.refresh_from_db()
    return device


@transaction.atomic
def delete_key_device(*, device: KeyDevice) -> None:
    """Remove a device from a draft's key."""
    lesson = device.lesson
    _require_draft(lesson)
    device.delete()
    _renumber_devices(lesson)


@transaction.atomic
def update_segment_key(
    *,
    segment: Segment,
    kind: str,
    voice: str,
    speaker: str,
    quote_source: str,
    neutral: bool,
    explanation: str,
) -> Segment:
    """Set one sentence's voices key: its kind, voice, speaker, whose quoted words, neutral, explanation."""
    _require_draft(segment.lesson)
    if kind not in Segment.Kind.values:
        raise AuthoringRefused(_("Choose whether it is a sentence or a heading."))
    if voice not in Voice.values:
        raise AuthoringRefused(_("Choose a voice from the list."))
    if quote_source and quote_source not in QuoteSource.values:
        raise AuthoringRefused(_("Choose whose words are in the quotes from the list."))
    segment.kind, segment.voice, segment.quote_source = kind, voice, quote_source
    segment.speaker = speaker.strip()[:100]
    segment.neutral = bool(neutral)
    segment.explanation = explanation.strip()
    segment.save(update_fields=["kind", "voice", "speaker", "quote_source", "neutral", "explanation"])
    return segment


@transaction.atomic
def update_lesson_details(*, lesson: Lesson, title: str, summary: str) -> Lesson:
    """Set the draft's title and the summary teachers read in the library."""
    _require_draft(lesson)
    if not title.strip():
        raise AuthoringRefused(_("Give the lesson a title."))
    lesson.title, lesson.summary = title.strip(), summary.strip()
    lesson.save(update_fields=["title", "summary"])
    return lesson


@transaction.atomic
def delete_draft(*, lesson: Lesson) -> None:
    """Delete a draft with its article, key and suggestions."""
    _require_draft(lesson)
    lesson.delete()


# Suggestions -------------------------------------------------------------------


def _require_pending(suggestion: DraftSuggestion) -> None:
    _require_draft(suggestion.lesson)
    if not suggestion.is_pending:
        raise AuthoringRefused(
            _("That suggestion was already decided: %(status)s.")
            % {"status": suggestion.get_status_display().lower()}
        )


@transaction.atomic
def accept_suggestion(
    *,
    suggestion: DraftSuggestion,
    technique: Technique | None = None,
    start: int | None = None,
    end: int | None = None,
    explanation: str | None = None,
) -> KeyDevice:
    """Put a suggestion into the key, as it is or edited; its reason explains it unless told otherwise."""
    _require_pending(suggestion)
    device = add_key_device(
        lesson=suggestion.lesson,
        start=suggestion.start if start is None else start,
        end=suggestion.end if end is None else end,
        technique=technique or suggestion.technique,
        explanation=suggestion.reason if explanation is None else explanation,
    )
    suggestion.status = DraftSuggestion.Status.ACCEPTED
    suggestion.save(update_fields=["status"])
    return device


@transaction.atomic
def reject_suggestion(*, suggestion: DraftSuggestion) -> None:
    """Leave a suggestion out of the key."""
    _require_pending(suggestion)
    suggestion.status = DraftSuggestion.Status.REJECTED
    suggestion.save(update_fields=["status"])


# Publishing --------------------------------------------------------------------


def _missing(segment: Segment) -> list[str]:
    fields = [
        (segment.voice, _("a voice")),
        (segment.speaker.strip(), _("a speaker")),
        (segment.explanation.strip(), _("an explanation")),
    ]
    return [str(name) for value, name in fields if not value]


def _bundle_problem(error: BundleError) -> str:
    """Return a bundle error in the editor's words: sentence 3, not ``segments[2]``."""
    match = _BUNDLE_FIELD.match(error.field)
    if not match:
        return _("The lesson does not pass the bundle check: %(error)s") % {"error": error}
    what, index, field = match.groups()
    noun = _("Sentence %(n)s") if what == "segments" else _("Key device %(n)s")
    return f"{noun % {'n': int(index) + 1}}: {field + ' ' if field else ''}{error.message}"


def publish_problems(lesson: Lesson) -> list[str]:
    """Return what must be fixed before ``lesson`` can be published (an empty list when it is ready)."""
    problems = []
    segments = list(lesson.segments.order_by("position"))
    devices = list(lesson.key_devices.select_related("technique"))
    for number, segment in enumerate(segments, 1):
        if missing := _missing(segment):
            problems.append(
                _("Sentence %(n)s needs %(what)s.") % {"n": number, "what": get_text_list(missing, _("and"))}
            )
    if not devices:
        problems.append(_("The key has no devices yet: accept a suggestion or add a device."))
    for number, device in enumerate(devices, 1):
        quoted = Truncator(device.text).chars(40)
        if not device.explanation.strip():
            problems.append(
                _("Key device %(n)s (“%(text)s”) needs an explanation.") % {"n": number, "text": quoted}
            )
        for sentence, segment in enumerate(segments, 1):
            if segment.neutral and device.start < segment.end and device.end > segment.start:
                problems.append(
                    _("Sentence %(s)s is marked neutral, but key device %(n)s (“%(text)s”) is in it.")
                    % {"s": sentence, "n": number, "text": quoted}
                )
    if not problems:
        # The same check an imported bundle passes: offsets, coverage, techniques.
        try:
            validate_bundle(export_bundle(lesson))
        except BundleError as error:
            problems.append(_bundle_problem(error))
    return problems


@transaction.atomic
def publish_lesson(*, lesson: Lesson) -> Lesson:
    """Publish a draft whose key is complete; suggestions still waiting are discarded."""
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    _require_draft(lesson)
    if problems := publish_problems(lesson):
        raise PublishRefused(problems)
    lesson.suggestions.all().delete()
    lesson.status = Lesson.Status.PUBLISHED
    lesson.save(update_fields=["status"])
    return lesson


def bundle_for_download(lesson: Lesson) -> dict[str, Any]:
    """Return the lesson as a bundle; a draft's also lists its suggestions still waiting (an extra field)."""
    bundle = export_bundle(lesson)
    if lesson.status == Lesson.Status.DRAFT:
        bundle["status"] = lesson.status
        bundle["suggestions"] = [
            {
                "start": s.start,
                "end": s.end,
                "technique": s.technique.slug,
                "text": lesson.article.body[s.start : s.end],
                "reason": s.reason,
                "confidence": s.confidence,
            }
            for s in lesson.suggestions.filter(status=DraftSuggestion.Status.PENDING).select_related(
                "technique"
            )
        ]
    return bundle
