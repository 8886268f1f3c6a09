"""
Draft device suggestions with a method a teacher can check: every suggestion
names the rule that made it, says why in one sentence, and carries a
confidence between 0 and 1.

Four sources of suggestions:

* the curated lexicon (``lexicon.json``): loaded words and labels, absolutes,
  and known constructions such as "so-called" or "unlike X, which …";
* scare quotes: a short quoted fragment (1–4 words) inside a sentence that is
  not itself a quotation, or a quotation nested inside another;
* repetition: a run of 2–4 content words that occurs twice or more, and a
  lexicon word that comes back;
* nothing else: no statistics, no model, so a wrong suggestion can always be
  traced to the rule or entry that made it.

Suggestions are not key items. The teacher accepts, edits or rejects them.
"""

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from teaching.drafting.quotes import QuoteScan, find_quotes
from teaching.drafting.segmenter import split_segments
from teaching.drafting.voices import REJECTION_AFTER, REJECTION_BEFORE

LEXICON_PATH = Path(__file__).with_name("lexicon.json")
_TOKEN = re.compile(r"\w[\w’'-]*")
_EDGE = "\"“”„«»‹›‘’‚'.,;:!?()[]—–- \n\t"
_SCARE_MAX_WORDS = 4
_REPEAT_SIZES = (4, 3, 2)  # Longest first, so a repeated phrase is not also reported in pieces.


@dataclass(frozen=True)
class Suggestion:
    """A drafted device: ``[start, end)`` in the body, a technique slug, why, and how sure."""

    start: int
    end: int
    technique: str
    reason: str
    confidence: float
    rule: str

    def as_dict(self, body: str) -> dict:
        return {**asdict(self), "text": body[self.start : self.end]}


@cache
def load_lexicon(path: Path = LEXICON_PATH) -> dict:
    """Return the lexicon document, read once."""
    return json.loads(path.read_text(encoding="utf-8"))


def _language_entries(language: str, lexicon: dict) -> dict:
    languages = lexicon["languages"]
    code = language.lower().split("-")[0]
    return languages.get(code, languages["en"])


def _term_pattern(term: str) -> re.Pattern:
    stem = term.rstrip("*")
    body = r"\s+".join(re.escape(part) for part in stem.split())
    ending = r"[\w-]*" if term.endswith("*") else ""
    return re.compile(rf"(?<![\w-]){body}{ending}(?![\w-])", re.IGNORECASE)


def _trimmed(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start] in _EDGE:
        start += 1
    while end > start and body[end - 1] in _EDGE:
        end -= 1
    return start, end


def _make(body, start, end, technique, reason, confidence, rule) -> Suggestion | None:
    start, end = _trimmed(body, start, end)
    if start >= end:
        return None
    text = body[start:end]
    return Suggestion(start, end, technique, reason.format(text=text), round(min(1.0, confidence), 2), rule)


def lexicon_suggestions(body: str, entries: dict) -> list[Suggestion]:
    """Return a suggestion for every lexicon term and construction found in ``body``."""
    found = []
    for group in entries.get("terms", []):
        for term in group["terms"]:
            for match in _term_pattern(term).finditer(body):
                found.append(
                    _make(
                        body,
                        match.start(),
                        match.end(),
                        group["technique"],
                        group["reason"],
                        group["confidence"],
                        f"lexicon:{term}",
                    )
                )
    for construction in entries.get("constructions", []):
        for match in re.finditer(construction["pattern"], body, re.IGNORECASE):
            found.append(
                _make(
                    body,
                    match.start(),
                    match.end(),
                    construction["technique"],
                    construction["reason"],
                    construction["confidence"],
                    f"construction:{construction['name']}",
                )
            )
    return [s for s in found if s is not None]


def _segment_of(position: int, segments: Sequence[tuple[int, int]]) -> tuple[int, int]:
    for start, end in segments:
        if start <= position < end:
            return start, end
    return 0, 0


def scare_quote_suggestions(
    body: str, scan: QuoteScan, segments: Sequence[tuple[int, int]]
) -> list[Suggestion]:
    """Return short quoted fragments that sit inside a sentence of someone else's words."""
    found = []
    for quote in scan.quotes:
        inner = body[quote.inner_start : quote.inner_end]
        words = _TOKEN.findall(inner)
        if not 1 <= len(words) <= _SCARE_MAX_WORDS or not quote.closed:
            continue
        seg_start, seg_end = _segment_of(quote.start, segments)
        if quote.depth == 0 and not body[seg_start : quote.start].strip():
            # A quotation that opens its sentence is speech, not a word held up.
            continue
        confidence = 0.35 + (0.1 if len(words) <= 2 else 0.0)
        before = body[max(seg_start, quote.start - 30) : quote.start]
        after = body[quote.end : seg_end]
        if quote.depth > 0:
            confidence += 0.25
            why = "a quotation inside a quotation: the speaker holds up someone else's words"
        elif REJECTION_BEFORE.search(before) or REJECTION_AFTER.search(after):
            confidence += 0.3
            why = "the sentence rejects the quoted words"
        else:
            why = "check whether the marks mock or doubt the words, or only show who said them"
        reason = f"“{{text}}”: {len(words)} quoted word(s) inside a sentence of the outlet's; {why}."
        found.append(
            _make(
                body, quote.inner_start, quote.inner_end, "scare-quotes", reason, confidence, "scare-quotes"
            )
        )
    return [s for s in found if s is not None]


def _tokens(body: str, stopwords: frozenset[str]) -> list[list[tuple[int, int, str]]]:
    """Return runs of adjacent content words (separated only by spaces) as (start, end, key)."""
    runs: list[list[tuple[int, int, str]]] = [[]]
    previous_end = None
    for match in _TOKEN.finditer(body):
        word = match.group()
        key = word.lower().replace("’", "'")
        gap = body[previous_end : match.start()] if previous_end is not None else ""
        content = key not in stopwords and len(key) > 2 and not key.isdigit()
        if not content or (gap and not gap.isspace()):
            runs.append([])
        if content:
            runs[-1].append((match.start(), match.end(), key))
        previous_end = match.end()
    return [run for run in runs if run]


def repetition_suggestions(body: str, entries: dict, flagged: Sequence[Suggestion]) -> list[Suggestion]:
    """Return each occurrence of a content-word phrase, or a flagged word, that comes back."""
    stopwords = frozenset(entries.get("stopwords", []))
    flagged_words = {body[s.start : s.end].lower() for s in flagged if s.technique != "exaggeration"}
    occurrences: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    for run in _tokens(body, stopwords):
        for size in _REPEAT_SIZES:
            for i in range(len(run) - size + 1):
                window = run[i : i + size]
                # Names repeat because they are the topic, not for effect.
                if all(body[start].isupper() for start, _, _ in window):
                    continue
                occurrences[tuple(k for *_, k in window)].append((window[0][0], window[-1][1]))
    found: list[Suggestion] = []
    covered: list[tuple[int, int]] = []
    for phrase, places in sorted(occurrences.items(), key=lambda item: -len(item[0])):
        fresh = [p for p in places if not any(c[0] <= p[0] and p[1] <= c[1] for c in covered)]
        if len(places) < 2 or not fresh:
            continue
        loaded = " ".join(phrase) in flagged_words or any(word in flagged_words for word in phrase)
        reason = f"“{{text}}” appears {len(places)} times; repeating a phrase makes it stick" + (
            " — and this one is a label or loaded phrase."
            if loaded
            else ": check it is a label or slogan, not just the topic."
        )
        for start, end in fresh:
            found.append(_make(body, start, end, "repetition", reason, 0.6 if loaded else 0.25, "repetition"))
        covered.extend(places)
    # A charged word that comes back is repetition even on its own.
    by_word: dict[str, list[Suggestion]] = defaultdict(list)
    for suggestion in flagged:
        if suggestion.technique != "exaggeration" and " " not in body[suggestion.start : suggestion.end]:
            by_word[body[suggestion.start : suggestion.end].lower()].append(suggestion)
    for places in by_word.values():
        if len(places) < 2:
            continue
        reason = f"“{{text}}” is a charged word used {len(places)} times; repeating it makes it stick."
        for place in places:
            if not any(c[0] <= place.start and place.end <= c[1] for c in covered):
                found.append(_make(body, place.start, place.end, "repetition", reason, 0.45, "repetition"))
    return [s for s in found if s is not None]


def suggest_devices(
    body: str,
    *,
    language: str = "en",
    segments: Sequence[tuple[int, int]] | None = None,
    scan: QuoteScan | None = None,
    lexicon: dict | None = None,
) -> list[Suggestion]:
    """Return drafted device suggestions for ``body``, in text order, each with a reason and confidence."""
    scan = scan or find_quotes(body)
    if segments is None:
        segments = [(p.start, p.end) for p in split_segments(body, language, scan)]
    entries = _language_entries(language, lexicon or load_lexicon())
    flagged = lexicon_suggestions(body, entries)
    suggestions = [
        *flagged,
        *scare_quote_suggestions(body, scan, segments),
        *repetition_suggestions(body, entries, flagged),
    ]
    unique = {(s.start, s.end, s.technique): s for s in sorted(suggestions, key=lambda s: s.confidence)}
    return sorted(unique.values(), key=lambda s: (s.start, s.end, s.technique))
