"""
Score a student's work against an exercise key.

Two exercises are scored here:

* Devices: the student marks spans of an article and names the technique
  each one uses. Scores follow the SemEval-2020 Task 11 span measure, which
  gives partial credit for partial overlap, plus feedback per key item.
* Voices: the student labels the voice of each sentence (direct quotation,
  partial quotation, paraphrase or narration).

Everything works on plain values, so it needs neither Django nor a request.
"""

import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

ITEM_STATUSES = ("found", "misnamed", "partly", "missed")
VOICES = ("direct", "partial", "paraphrase", "narration")

# An apostrophe or hyphen between two letters belongs to the word: "don't",
# "well-known". Anywhere else it is punctuation.
_WORD_JOINERS = frozenset("'’-‐‑")

# The spotted score relabels every span with this one technique.
_ANY_TECHNIQUE = "*"

# Partial quotation sits between direct quotation and paraphrase, so mixing
# it up with either neighbour is half right. Direct vs paraphrase is not.
_HALF_CREDIT = frozenset({frozenset({"partial", "direct"}), frozenset({"partial", "paraphrase"})})


@dataclass(frozen=True)
class Span:
    """A half-open range [start, end) of code points, labelled with a technique."""

    start: int
    end: int
    technique: str

    def __post_init__(self):
        if not 0 <= self.start <= self.end:
            raise ValueError(f"A span needs 0 <= start <= end, got [{self.start}, {self.end}).")


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class ItemResult:
    status: str  # One of ITEM_STATUSES.
    named_as: str | None  # The wrong technique the student gave, if misnamed.


@dataclass(frozen=True)
class DeviceScore:
    named: PRF
    spotted: PRF
    items: tuple[ItemResult, ...]  # One per key item, in key order.
    false_alarms: tuple[int, ...]  # Indices into the marks given.
    hits: int
    neutral_marked: int
    neutral_clean: int


@dataclass(frozen=True)
class VoiceScore:
    score: float
    kappa: float
    answered: int
    total: int
    confusion: dict[str, dict[str | None, int]]  # confusion[key][answer]


# Spans ---------------------------------------------------------------------


def _check_range(body: str, start: int, end: int) -> None:
    if start > end:
        raise ValueError(f"Range start ({start}) is after its end ({end}).")
    if start < 0 or end > len(body):
        raise ValueError(f"Range [{start}, {end}) lies outside the body (length {len(body)}).")


def _is_trimmable(char: str) -> bool:
    """Return whether char is space or punctuation, which no technique owns."""
    # Quotation marks of every language are in the P* categories; tabs and
    # newlines are control characters, hence isspace().
    return char.isspace() or unicodedata.category(char)[0] in "PZ"


def trim_span(body: str, start: int, end: int) -> tuple[int, int] | None:
    """Return [start, end) without space or punctuation at the ends, or None."""
    _check_range(body, start, end)
    while start < end and _is_trimmable(body[start]):
        start += 1
    while end > start and _is_trimmable(body[end - 1]):
        end -= 1
    return (start, end) if start < end else None


def _in_word(body: str, index: int) -> bool:
    """Return whether body[index] belongs to a word."""
    char = body[index]
    if char.isalnum():
        return True
    return (
        char in _WORD_JOINERS
        and 0 < index < len(body) - 1
        and body[index - 1].isalnum()
        and body[index + 1].isalnum()
    )


def _cuts_word(body: str, index: int) -> bool:
    """Return whether a boundary before body[index] falls inside a word."""
    return 0 < index < len(body) and _in_word(body, index - 1) and _in_word(body, index)


def snap_to_words(body: str, start: int, end: int) -> tuple[int, int] | None:
    """Return the selection widened to whole words and trimmed, or None."""
    if not isinstance(start, int) or not isinstance(end, int):
        raise TypeError("Selection bounds must be integers.")
    if start > end:
        raise ValueError(f"Selection start ({start}) is after its end ({end}).")
    # Browsers can report offsets past either end; clamping keeps what is inside.
    start = min(max(start, 0), len(body))
    end = min(max(end, 0), len(body))
    if start == end:
        # A bare caret selects nothing, even inside a word.
        return None
    while _cuts_word(body, start):
        start -= 1
    while _cuts_word(body, end):
        end += 1
    return trim_span(body, start, end)


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Return spans in text order, overlapping or touching ones merged per technique."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.technique, s.start, s.end)):
        if span.start == span.end:
            # An empty span covers nothing; keeping it could only glue neighbours.
            continue
        last = merged[-1] if merged else None
        # Touching spans merge too: once trimmed, two spans can only touch
        # inside a run of letters, digits or symbols, which reads as one span.
        if last and last.technique == span.technique and span.start <= last.end:
            merged[-1] = Span(last.start, max(last.end, span.end), span.technique)
        else:
            merged.append(span)
    return sorted(merged, key=lambda s: (s.start, s.end, s.technique))


def _trim(body: str, span: Span) -> Span | None:
    trimmed = trim_span(body, span.start, span.end)
    return None if trimmed is None else Span(*trimmed, span.technique)


def _collapse(spans: Iterable[Span]) -> list[Span]:
    """Return the spans merged as if they all had one technique."""
    return merge_spans(Span(s.start, s.end, _ANY_TECHNIQUE) for s in spans)


# A results page scores a whole class against one key, so the scorer works on an
# index of disjoint spans: finding what covers a span is a binary search, not a
# scan of every span (which made scoring grow with key items × marks).


@dataclass(frozen=True)
class _Disjoint:
    """Spans in text order that neither overlap nor touch (one technique's merged spans)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, spans: Iterable[Span]) -> "_Disjoint":
        spans = list(spans)
        return cls(tuple(s.start for s in spans), tuple(s.end for s in spans))

    def covered(self, start: int, end: int) -> int:
        """Return how many characters of [start, end) these spans cover."""
        starts, ends = self.starts, self.ends
        # Spans before the last one starting at or before ``start`` end before it.
        index = max(bisect_right(starts, start) - 1, 0)
        total = 0
        while index < len(starts) and starts[index] < end:
            shared = min(end, ends[index]) - max(start, starts[index])
            if shared > 0:
                total += shared
            index += 1
        return total


_NOTHING = _Disjoint((), ())
_MISSED = ItemResult("missed", None)


def _by_technique(merged: Sequence[Span]) -> dict[str, _Disjoint]:
    """Return merged spans indexed per technique (merge_spans keeps each technique's apart)."""
    groups: dict[str, list[Span]] = {}
    for span in merged:
        groups.setdefault(span.technique, []).append(span)
    return {technique: _Disjoint.of(spans) for technique, spans in groups.items()}


def _mean_coverage(spans: Sequence[Span], others: Mapping[str, _Disjoint]) -> float:
    """Return the mean share of each span covered by others of its technique."""
    if not spans:
        return 0.0
    # others are merged, so no character of a span is counted twice.
    shares = (
        others.get(span.technique, _NOTHING).covered(span.start, span.end) / (span.end - span.start)
        for span in spans
    )
    return sum(shares) / len(spans)


def _prf(
    marks: Sequence[Span],
    key: Sequence[Span],
    marks_index: Mapping[str, _Disjoint],
    key_index: Mapping[str, _Disjoint],
) -> PRF:
    """Return precision, recall and F1 of merged marks against a merged key, each with its index."""
    if not marks and not key:
        # Nothing to find and nothing claimed: a perfect answer.
        return PRF(1.0, 1.0, 1.0)
    precision = _mean_coverage(marks, key_index)
    # Nothing to find means nothing was missed (the usual convention), but
    # any mark is then wrong, so precision and F1 are 0.
    recall = _mean_coverage(key, marks_index) if key else 1.0
    if precision + recall == 0:
        return PRF(0.0, 0.0, 0.0)
    return PRF(precision, recall, 2 * precision * recall / (precision + recall))


def _judge_item(item: Span | None, named: Mapping[str, _Disjoint], spotted: _Disjoint) -> ItemResult:
    """Return the status of one trimmed key item, given merged marks indexed per technique."""
    if item is None:
        # A key item of punctuation only cannot be found.
        return _MISSED
    covered_by_any = spotted.covered(item.start, item.end)
    if not covered_by_any:
        # Most of a key's items are untouched by any one student's marks: no more to look at.
        return _MISSED
    length = item.end - item.start
    # Doubling the covered length keeps the 50 % boundary exact, with no floats.
    if 2 * named.get(item.technique, _NOTHING).covered(item.start, item.end) >= length:
        return ItemResult("found", None)
    if 2 * covered_by_any >= length:
        # The key's own technique covers under half, so some other technique
        # must cover part of it. Report the one that covers most (ties: by name).
        others = {
            technique: shared
            for technique, index in named.items()
            if technique != item.technique and (shared := index.covered(item.start, item.end))
        }
        named_as = min(others, key=lambda t: (-others[t], t))
        return ItemResult("misnamed", named_as)
    return ItemResult("partly", None)


@dataclass(frozen=True)
class DeviceKey:
    """A devices key checked, trimmed, merged and indexed once, to score many students' marks."""

    body: str
    items: tuple[Span | None, ...]  # Each key span trimmed (None if nothing was left), in key order.
    named: tuple[Span, ...]  # The kept items merged per technique.
    spotted: tuple[Span, ...]  # The kept items merged as one technique.
    neutral: tuple[tuple[int, int], ...]
    named_index: Mapping[str, _Disjoint]
    spotted_index: _Disjoint


def prepare_device_key(
    body: str, key: Sequence[Span], *, neutral: Sequence[tuple[int, int]] = ()
) -> DeviceKey:
    """Return ``key`` ready for ``score_marks``; raise ValueError for a span outside ``body``."""
    for span in key:
        _check_range(body, span.start, span.end)
    for start, end in neutral:
        _check_range(body, start, end)
    # One entry per given span (None if it trimmed away), so that item results refer to key indices.
    items = tuple(_trim(body, span) for span in key)
    kept = [span for span in items if span is not None]
    named, spotted = tuple(merge_spans(kept)), tuple(_collapse(kept))
    return DeviceKey(
        body=body,
        items=items,
        named=named,
        spotted=spotted,
        neutral=tuple(neutral),
        named_index=_by_technique(named),
        spotted_index=_Disjoint.of(spotted),
    )


def score_marks(key: DeviceKey, marks: Sequence[Span]) -> DeviceScore:
    """Return how well marks find and name the devices of a prepared key."""
    body = key.body
    for span in marks:
        _check_range(body, span.start, span.end)
    # One entry per given mark (None if it trimmed away), so false alarms refer to mark indices.
    marks_trimmed = [_trim(body, span) for span in marks]
    marks_kept = [span for span in marks_trimmed if span is not None]

    named_marks = merge_spans(marks_kept)
    any_marks = _collapse(marks_kept)
    named_index, spotted_index = _by_technique(named_marks), _Disjoint.of(any_marks)
    items = tuple(_judge_item(item, named_index, spotted_index) for item in key.items)

    # A mark overlaps some kept key item exactly when it overlaps their union.
    false_alarms = tuple(
        index
        for index, mark in enumerate(marks_trimmed)
        if mark is not None and not key.spotted_index.covered(mark.start, mark.end)
    )
    # Neutral ranges carry no technique; only overlap with a mark matters.
    neutral_marked = sum(1 for start, end in key.neutral if spotted_index.covered(start, end))
    return DeviceScore(
        named=_prf(named_marks, key.named, named_index, key.named_index),
        spotted=_prf(
            any_marks, key.spotted, {_ANY_TECHNIQUE: spotted_index}, {_ANY_TECHNIQUE: key.spotted_index}
        ),
        items=items,
        false_alarms=false_alarms,
        hits=sum(1 for item in items if item.status == "found"),
        neutral_marked=neutral_marked,
        neutral_clean=len(key.neutral) - neutral_marked,
    )


def score_devices(
    body: str,
    key: Sequence[Span],
    marks: Sequence[Span],
    *,
    neutral: Sequence[tuple[int, int]] = (),
) -> DeviceScore:
    """Return how well marks find and name the devices of key in body."""
    return score_marks(prepare_device_key(body, key, neutral=neutral), marks)


# Voices --------------------------------------------------------------------


def _check_voice(label: str) -> None:
    if label not in VOICES:
        raise ValueError(f"Unknown voice {label!r}; expected one of {VOICES}.")


def _check_lengths(key: Sequence, answers: Sequence) -> None:
    if len(key) != len(answers):
        raise ValueError(f"Got {len(answers)} answers for {len(key)} key segments.")


def voice_credit(answer: str | None, key: str) -> float:
    """Return the credit for answer (None if unanswered) where the key says key."""
    _check_voice(key)
    if answer is None:
        return 0.0
    _check_voice(answer)
    if answer == key:
        return 1.0
    if frozenset({answer, key}) in _HALF_CREDIT:
        return 0.5
    return 0.0


def cohen_kappa(key: Sequence[str], answers: Sequence[str | None]) -> float:
    """Return Cohen's kappa of answers (None if unanswered) against key."""
    _check_lengths(key, answers)
    total = len(key)
    agreed = sum(1 for k, a in zip(key, answers, strict=True) if a is not None and a == k)
    if agreed == total:
        # Returned outright so that full agreement is exactly 1.0. This also
        # covers an empty sheet and both sides using one label throughout,
        # where the formula would divide 0 by 0.
        return 1.0
    key_counts = Counter(key)
    # Unanswered is a category of its own that no key label matches, so it
    # adds nothing to the agreement expected by chance.
    answer_counts = Counter(a for a in answers if a is not None)
    # kappa = (po - pe) / (1 - pe); scaled by total² every term is a whole
    # number, so the one division is the only rounding. The denominator is
    # positive: it is 0 only when both sides use one label throughout, and
    # then they agree everywhere.
    expected = sum(key_counts[label] * answer_counts[label] for label in key_counts)
    return (total * agreed - expected) / (total * total - expected)


def score_voices(key: Sequence[str], answers: Sequence[str | None]) -> VoiceScore:
    """Return the credit, agreement and confusion matrix of answers against key."""
    _check_lengths(key, answers)
    credits = [voice_credit(a, k) for k, a in zip(key, answers, strict=True)]
    confusion = {k: {a: 0 for a in (*VOICES, None)} for k in VOICES}
    for k, a in zip(key, answers, strict=True):
        confusion[k][a] += 1
    return VoiceScore(
        # With no segments there is nothing to get wrong.
        score=sum(credits) / len(credits) if credits else 1.0,
        kappa=cohen_kappa(key, answers),
        answered=sum(1 for a in answers if a is not None),
        total=len(key),
        confusion=confusion,
    )
