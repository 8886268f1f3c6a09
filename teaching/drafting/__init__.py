"""
Draft a lesson key from any article, for a teacher to correct.

``draft_lesson`` cuts the body into sentences and headings, drafts a voice and
a speaker for each with the reason it was chosen, and lists device
*suggestions* beside the key. The bundle's ``devices`` stay empty: nothing
enters the key until the teacher accepts, edits or rejects a suggestion.
"""

import datetime

from django.utils.text import slugify

from teaching.drafting.devices import Suggestion, suggest_devices
from teaching.drafting.quotes import Quote, QuoteScan, StrayMark, find_quotes
from teaching.drafting.segmenter import Piece, split_segments
from teaching.drafting.voices import VoiceDraft, draft_voices

__all__ = [
    "Piece",
    "Quote",
    "QuoteScan",
    "StrayMark",
    "Suggestion",
    "VoiceDraft",
    "draft_lesson",
    "draft_voices",
    "find_quotes",
    "split_segments",
    "suggest_devices",
]

BUNDLE_FORMAT = "lesson-bundle/1"
DRAFT_SUMMARY = "Drafted automatically: check every voice, speaker and suggestion before publishing."


def _iso_date(published: str | datetime.date) -> str:
    if isinstance(published, datetime.date):
        return published.isoformat()
    try:
        return datetime.date.fromisoformat(published).isoformat()
    except (TypeError, ValueError):
        raise ValueError(f"published must be a date as YYYY-MM-DD, not {published!r}") from None


def draft_lesson(
    *, title: str, outlet: str, published: str | datetime.date, language: str, body: str
) -> dict:
    """Return a lesson-bundle/1 document with drafted segments and a separate ``suggestions`` list."""
    if not body.strip():
        raise ValueError("body must not be empty")
    scan = find_quotes(body)
    pieces = split_segments(body, language, scan)
    voices = draft_voices(
        body, [(p.start, p.end, p.kind) for p in pieces], outlet=outlet, language=language, scan=scan
    )
    suggestions = suggest_devices(
        body, language=language, segments=[(p.start, p.end) for p in pieces], scan=scan
    )
    return {
        "format": BUNDLE_FORMAT,
        "lesson": {
            # A title in another script slugifies to nothing; the date still names the draft.
            "slug": slugify(f"{outlet} {title}")[:50].strip("-") or f"draft-{_iso_date(published)}",
            "title": title,
            "summary": DRAFT_SUMMARY,
        },
        "article": {
            "title": title,
            "outlet": outlet,
            "published": _iso_date(published),
            "language": language,
            "body": body,
        },
        "techniques": [],
        "segments": [
            {
                "start": piece.start,
                "end": piece.end,
                "kind": piece.kind,
                "voice": voice.voice,
                "speaker": voice.speaker,
                "quote_source": voice.quote_source,
                "neutral": False,
                "explanation": voice.reason,
            }
            for piece, voice in zip(pieces, voices, strict=True)
        ],
        # The key's devices start empty: suggestions are only offered.
        "devices": [],
        "suggestions": [suggestion.as_dict(body) for suggestion in suggestions],
        "quote_problems": [
            {"position": stray.position, "mark": stray.mark, "problem": stray.problem}
            for stray in scan.unbalanced
        ],
    }
