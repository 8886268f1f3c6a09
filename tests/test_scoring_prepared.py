"""The indexed devices scorer gives exactly the scores of the plain one it replaced."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teaching.scoring import (
    PRF,
    DeviceScore,
    ItemResult,
    Span,
    merge_spans,
    prepare_device_key,
    score_devices,
    score_marks,
    trim_span,
)

# The scorer as first written: every key item against every mark. Kept here as the oracle.


def _overlap(a, b):
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _trim(body, span):
    trimmed = trim_span(body, span.start, span.end)
    return None if trimmed is None else Span(*trimmed, span.technique)


def _collapse(spans):
    return merge_spans(Span(s.start, s.end, "*") for s in spans)


def _mean_coverage(spans, others):
    if not spans:
        return 0.0
    shares = (
        sum(_overlap(span, o) for o in others if o.technique == span.technique) / (span.end - span.start)
        for span in spans
    )
    return sum(shares) / len(spans)


def _prf(marks, key):
    if not marks and not key:
        return PRF(1.0, 1.0, 1.0)
    precision = _mean_coverage(marks, key)
    recall = _mean_coverage(key, marks) if key else 1.0
    if precision + recall == 0:
        return PRF(0.0, 0.0, 0.0)
    return PRF(precision, recall, 2 * precision * recall / (precision + recall))


def _judge_item(item, marks, any_marks):
    if item is None:
        return ItemResult("missed", None)
    length = item.end - item.start
    covered = Counter()
    for mark in marks:
        covered[mark.technique] += _overlap(item, mark)
    if 2 * covered[item.technique] >= length:
        return ItemResult("found", None)
    covered_by_any = sum(_overlap(item, mark) for mark in any_marks)
    if 2 * covered_by_any >= length:
        others = {t: n for t, n in covered.items() if t != item.technique and n}
        return ItemResult("misnamed", min(others, key=lambda t: (-others[t], t)))
    if covered_by_any:
        return ItemResult("partly", None)
    return ItemResult("missed", None)


def reference_score_devices(body, key, marks, *, neutral=()):
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


# Strategies: short bodies of letters, spaces and punctuation, so spans trim, touch and overlap.


@st.composite
def cases(draw):
    body = draw(st.text(alphabet="ab c.,'-", min_size=0, max_size=40))

    def ranges(max_size):
        bound = st.integers(0, len(body))
        pairs = st.lists(st.tuples(bound, bound), max_size=max_size)
        return [(min(a, b), max(a, b)) for a, b in draw(pairs)]

    def spans(max_size):
        techniques = st.sampled_from(["fear", "loaded", "doubt"])
        return [Span(start, end, draw(techniques)) for start, end in ranges(max_size)]

    return body, spans(7), spans(9), ranges(3)


@settings(max_examples=600, deadline=None)
@given(cases())
def test_indexed_scorer_matches_the_plain_scorer_exactly(case):
    body, key, marks, neutral = case

    assert score_devices(body, key, marks, neutral=neutral) == reference_score_devices(
        body, key, marks, neutral=neutral
    )


@settings(max_examples=100, deadline=None)
@given(cases(), st.lists(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=5), max_size=4))
def test_one_prepared_key_scores_many_students_as_scoring_each_alone(case, students):
    body, key, _, neutral = case
    prepared = prepare_device_key(body, key, neutral=neutral)
    for pairs in students:
        marks = [Span(min(a, b), max(a, b), "fear") for a, b in pairs if max(a, b) <= len(body)]

        assert score_marks(prepared, marks) == reference_score_devices(body, key, marks, neutral=neutral)


def test_preparing_a_key_rejects_a_span_outside_the_body():
    with pytest.raises(ValueError, match="outside the body"):
        prepare_device_key("short", [Span(0, 50, "fear")])


def test_scoring_marks_rejects_a_mark_outside_the_body():
    prepared = prepare_device_key("short text", [Span(0, 5, "fear")])

    with pytest.raises(ValueError, match="outside the body"):
        score_marks(prepared, [Span(3, 99, "fear")])
