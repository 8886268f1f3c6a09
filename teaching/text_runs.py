"""
Cut a stretch of text into runs that share the same set of overlapping spans.

Highlights may overlap, and HTML elements may not, so every view that lays
spans over the article (the key, a student's marks, the class heatmap) renders
these flat runs, each carrying every span that covers it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any


@dataclass(frozen=True)
class Run:
    start: int
    end: int
    text: str
    spans: tuple[Any, ...]

    @property
    def is_plain(self):
        return not self.spans


def runs(text: str, start: int, end: int, spans: Iterable[Any]) -> list[Run]:
    """
    Return runs covering ``text[start:end]``; spans are objects with ``start`` and ``end``.

    Offsets are into the whole text, so a segment's runs line up with the body.
    """
    inside = [span for span in spans if span.start < end and span.end > start]
    cuts = sorted({start, end, *(max(start, s.start) for s in inside), *(min(end, s.end) for s in inside)})
    result = []
    for left, right in pairwise(cuts):
        covering = tuple(span for span in inside if span.start <= left and span.end >= right)
        result.append(Run(left, right, text[left:right], covering))
    return result


def runs_by_segment(text: str, segments: Sequence[Any], spans: Sequence[Any]) -> list[tuple[Any, list[Run]]]:
    """Return each segment with the runs of its text (trailing whitespace included)."""
    ordered = sorted(spans, key=lambda span: span.start)
    return [(segment, runs(text, segment.start, segment.end, ordered)) for segment in segments]
