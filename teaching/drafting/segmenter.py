"""
Split an article body into sentences and headings that cover it exactly.

Sentence boundaries come from pysbd (rule-based, many languages, knows
abbreviations such as "U.S.", "Mr." and "3.5"). Two things are added around it:

* quotation marks are masked before pysbd sees the text, because pysbd keeps a
  quotation of several sentences together, while a lesson labels each sentence
  of a long quotation on its own;
* a piece that would begin with a lower-case letter is glued back to the one
  before ("“Are you?” he asked."; Russian "т. е. министра").

Each segment runs from its first character to the next segment's first
character, so trailing spaces and blank lines belong to the segment before.
"""

import re
from dataclasses import dataclass
from functools import cache

import pysbd
from pysbd.languages import LANGUAGE_CODES

from teaching.drafting.quotes import PARAGRAPH_BREAK, QuoteScan, find_quotes

HEADING = "heading"
SENTENCE = "sentence"

# Pieces of text pysbd never sees as quotation marks, of the same length, so offsets survive.
_MASK = "|"
_TERMINAL = ".!?…;:,"
_CLOSING_BRACKETS = ")]}"
_HEADING_MAX_WORDS = 12
_HEADING_MAX_CHARS = 100

# Datelines that open wire copy: "MOSCOW, November 13. /TASS/. ", "LONDON (Reuters) - ",
# "KYIV — ". The place is in capitals; the first form needs a digit in its date.
_CITY = r"[A-ZÀ-ÞА-ЯЁ]{2}[A-ZÀ-ÞА-ЯЁ .'\-]{0,38}"
DATELINE = re.compile(
    rf"(?:{_CITY},\s*(?=[^\n.]{{0,40}}\d)[^\n.]{{1,40}}\.\s*(?:/[^/\n]{{1,30}}/\.?\s*)?"
    rf"|{_CITY}(?:,[^\n(]{{1,40}})?\s*\([^)\n]{{1,30}}\)\s*[-—–]+\s*"
    rf"|{_CITY}\s+[—–]\s+)"
)


@dataclass(frozen=True)
class Piece:
    """A segment of the body: ``[start, end)`` and whether it is a sentence or a heading."""

    start: int
    end: int
    kind: str


@cache
def _splitter(language: str) -> pysbd.Segmenter:
    code = language.lower().split("-")[0]
    return pysbd.Segmenter(language=code if code in LANGUAGE_CODES else "en", clean=False)


def is_heading(line: str) -> bool:
    """Return whether a line on its own paragraph reads as a heading: short, with no closing punctuation."""
    text = line.strip()
    if not text or "\n" in text or len(text) > _HEADING_MAX_CHARS:
        return False
    if len(text.split()) > _HEADING_MAX_WORDS or not any(c.isalpha() for c in text):
        return False
    # A heading may end in a closing quotation mark, but not in a sentence inside one.
    last = text.rstrip("\"”»’'“›")
    return bool(last) and last[-1] not in _TERMINAL


def dateline_length(text: str) -> int:
    """Return how many characters at the start of ``text`` are a wire dateline (0 if none)."""
    match = DATELINE.match(text)
    return match.end() if match else 0


def _paragraphs(body: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each paragraph's text, surrounding whitespace excluded."""
    spans = []
    position = 0
    for match in [*PARAGRAPH_BREAK.finditer(body), None]:
        end = match.start() if match else len(body)
        text = body[position:end]
        stripped = text.strip()
        if stripped:
            start = position + len(text) - len(text.lstrip())
            spans.append((start, start + len(stripped)))
        if match:
            position = match.end()
    return spans


def _piece_starts(text: str, language: str) -> list[int]:
    """Return the offsets in ``text`` where pysbd starts a sentence, the first excluded."""
    starts = []
    cursor = 0
    for piece in _splitter(language).segment(text):
        stripped = piece.strip()
        if not stripped:
            continue
        found = text.find(stripped, cursor)
        if found < 0:  # pysbd altered the text; keep the boundaries found so far
            break
        if found > 0:
            starts.append(found)
        cursor = found + len(stripped)
    return starts


def _adjust(body: str, start: int, end: int, closers: frozenset[int]) -> int:
    """Return a boundary moved past spaces and the closing marks that end the previous sentence."""
    while start < end and (body[start].isspace() or start in closers or body[start] in _CLOSING_BRACKETS):
        start += 1
    return start


def _starts_lower(body: str, start: int, end: int, marks: frozenset[int]) -> bool:
    """Return whether the text from ``start`` begins, past marks and spaces, with a small letter."""
    for index in range(start, end):
        char = body[index]
        if index in marks or char.isspace() or char in "([—–-":
            continue
        return char.islower() or char in ",;:"
    return True


def sentence_starts(
    body: str, start: int, end: int, language: str, scan: QuoteScan, *, first: bool = False
) -> list[int]:
    """Return where sentences begin in the paragraph ``body[start:end]``, ``start`` included."""
    marks = scan.mark_positions
    closers = frozenset(q.end - 1 for q in scan.quotes if q.closed)
    starts = [start]
    offset = start
    if first:
        # Only the report's first paragraph opens with a dateline.
        offset += dateline_length(body[start:end])
        if start < offset < end:
            starts.append(offset)
    masked = "".join(_MASK if i in marks else body[i] for i in range(offset, end))
    for relative in _piece_starts(masked, language):
        boundary = _adjust(body, offset + relative, end, closers)
        if boundary >= end or boundary <= starts[-1] or _starts_lower(body, boundary, end, marks):
            continue
        starts.append(boundary)
    return starts


def split_segments(body: str, language: str = "en", scan: QuoteScan | None = None) -> list[Piece]:
    """Return sentences and headings covering ``body`` from 0 to its end, in order."""
    if not body:
        return []
    scan = scan or find_quotes(body)
    paragraphs = _paragraphs(body)
    starts: list[tuple[int, str]] = []
    for number, (start, end) in enumerate(paragraphs):
        found = sentence_starts(body, start, end, language, scan, first=number == 0)
        # A heading is one short line of one sentence ("Talks went on" after a full stop is not).
        heading = len(found) == 1 and number + 1 < len(paragraphs) and is_heading(body[start:end])
        starts.extend((s, HEADING if heading else SENTENCE) for s in found)
    if not starts:
        return [Piece(0, len(body), SENTENCE)]
    # Leading whitespace belongs to the first segment, so the cover starts at 0.
    starts[0] = (0, starts[0][1])
    ends = [s for s, _ in starts[1:]] + [len(body)]
    return [Piece(s, e, kind) for (s, kind), e in zip(starts, ends, strict=True)]


def segment_kind(body: str, start: int, end: int) -> str:
    """Return the kind of an already cut segment: a heading if it is a whole short paragraph."""
    text = body[start:end]
    alone = text.strip() and "\n" not in text.strip() and (start == 0 or body[start - 1] == "\n")
    followed = bool(body[end:].strip()) and "\n" in text
    return HEADING if alone and followed and is_heading(text) else SENTENCE
