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
from collections import Counter
from collections.abc import Iterable, Sequence
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


def _overlap(a: Span, b: Span) -> int:
    """Return how many characters a and b share."""
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _trim(body: str, span: Span) -> Span | None:
    trimmed = trim_span(body, span.start, span.end)
    return None if trimmed is None else Span(*trimmed, span.technique)


def _collapse(spans: Iterable[Span]) -> list[Span]:
    """Return the spans merged as if they all had one technique."""
    return merge_spans(Span(s.start, s.end, _ANY_TECHNIQUE) for s in spans)


def _mean_coverage(spans: Sequence[Span], others: Sequence[Span]) -> float:
    """Return the mean share of each span covered by others of its technique."""
    if not spans:
        return 0.0
    # others are merged, so no character of a span is counted twice.
    shares = (
        sum(_overlap(span, o) for o in others if o.technique == span.technique) / (span.end - span.start)
        for span in spans
    )
    return sum(shares) / len(spans)


def _prf(marks: Sequence[Span], key: Sequence[Span]) -> PRF:
    """Return precision, recall and F1 of merged marks against a merged key."""
    if not marks and not key:
        # Nothing to find and nothing claimed: a perfect answer.
        return PRF(1.0, 1.0, 1.0)
    precision = _mean_coverage(marks, key)
    # Nothing to find means nothing was missed (the usual convention), but
    # any mark is then wrong, so precision and F1 are 0.
    recall = _mean_coverage(key, marks) if key else 1.0
    if precision + recall == 0:
        return PRF(0.0, 0.0, 0.0)
    return PRF(precision, recall, 2 * precision * recall / (precision + recall))


def _judge_item(item: Span | None, marks: Sequence[Span], any_marks: Sequence[Span]) -> ItemResult:
    """Return the status of one trimmed key item, given merged marks."""
    if item is None:
        # A key item of punctuation only cannot be found.
        return ItemResult("missed", None)
    length = item.end - item.start
    covered = Counter()
    for mark in marks:
        covered[mark.technique] += _overlap(item, mark)
    # Doubling the covered length keeps the 50 % boundary exact, with no floats.
    if 2 * covered[item.technique] >= length:
        return ItemResult("found", None)
    covered_by_any = sum(_overlap(item, mark) for mark in any_marks)
    if 2 * covered_by_any >= length:
        # The key's own technique covers under half, so some other technique
        # must cover part of it. Report the one that covers most (ties: by name).
        others = {t: n for t, n in covered.items() if t != item.technique and n}
        named_as = min(others, key=lambda t: (-others[t], t))
        return ItemResult("misnamed", named_as)
    if covered_by_any:
        return ItemResult("partly", None)
    return ItemResult("missed", None)


def score_devices(
    body: str,
    key: Sequence[Span],
    marks: Sequence[Span],
    *,
    neutral: Sequence[tuple[int, int]] = (),
) -> DeviceScore:
    """Return how well marks find and name the devices of key in body."""
    for span in (*key, *marks):
        _check_range(body, span.start, span.end)
    for start, end in neutral:
        _check_range(body, start, end)

    # Keep one entry per given span (None if it trimmed away) so that item
    # results and false alarms can refer back to the caller's indices.
    key_trimmed = [_trim(body, span) for span in key]
    marks_trimmed = [_trim(body, span) for span in marks]
    key_kept = [span for span in key_trimmed if span is not None]
    marks_kept = [span for span in marks_trimmed if span is not None]

    named_marks = merge_spans(marks_kept)
    any_marks = _collapse(marks_kept)
    items = tuple(_judge_item(item, named_marks, any_marks) for item in key_trimmed)

    false_alarms = tuple(
        index
        for index, mark in enumerate(marks_trimmed)
        if mark is not None and not any(_overlap(mark, item) for item in key_kept)
    )
    # Neutral ranges carry no technique; only overlap with a mark matters.
    neutral_marked = sum(
        1 for start, end in neutral if any(_overlap(Span(start, end, ""), mark) for mark in marks_kept)
    )
    return DeviceScore(
        named=_prf(named_marks, merge_spans(key_kept)),
        spotted=_prf(any_marks, _collapse(key_kept)),
        items=items,
        false_alarms=false_alarms,
        hits=sum(1 for item in items if item.status == "found"),
        neutral_marked=neutral_marked,
        neutral_clean=len(neutral) - neutral_marked,
    )


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
