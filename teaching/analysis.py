"""
Item analysis of a class's work: what the class found, missed and confused, as plain functions.

Every function takes the ``ClassWork`` from ``teaching.classwork`` (already scored)
and a list of students to count, so the page can count everyone who started or
only those who submitted, and nothing here touches the database.
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from teaching.classwork import ClassWork, StudentWork
from teaching.models import KeyDevice, Segment, Technique
from teaching.scoring import ITEM_STATUSES, VOICES, Span, trim_span, voice_credit
from teaching.text_runs import runs_by_segment

HEAT_LEVELS = 5  # heat-0 (nobody) to heat-4 (most of the class)


# Key items -------------------------------------------------------------------


@dataclass(frozen=True)
class ItemStats:
    """How the class did on one key item."""

    number: int  # 1-based, in key order
    device: KeyDevice
    counts: dict[str, int]  # status -> students
    total: int  # students counted
    misnamed_as: tuple[tuple[Technique, int], ...]  # wrong techniques given, most common first

    def share(self, status: str) -> float:
        return self.counts[status] / self.total if self.total else 0.0

    @property
    def shares(self) -> dict[str, float]:
        return {status: self.share(status) for status in ITEM_STATUSES}

    @property
    def top_misnamed_as(self) -> Technique | None:
        return self.misnamed_as[0][0] if self.misnamed_as else None


def technique_index(work: ClassWork) -> dict[str, Technique]:
    """Return every technique the key or the class used, by slug, from objects already loaded."""
    found = {device.technique.slug: device.technique for device in work.key.devices}
    for student in work.started:
        for mark in student.marks:
            found.setdefault(mark.technique.slug, mark.technique)
    return found


def item_stats(work: ClassWork, students: Sequence[StudentWork]) -> list[ItemStats]:
    """Return, per key item, how many of ``students`` found, partly found, misnamed or missed it."""
    techniques = technique_index(work)
    scored = [s.score for s in students if s.score is not None]
    result = []
    for index, device in enumerate(work.key.devices):
        statuses = Counter({status: 0 for status in ITEM_STATUSES})
        wrong = Counter()
        for score in scored:
            item = score.devices.items[index]
            statuses[item.status] += 1
            if item.named_as:
                wrong[item.named_as] += 1
        misnamed_as = tuple(
            (techniques[slug], n) for slug, n in sorted(wrong.items(), key=lambda pair: (-pair[1], pair[0]))
        )
        result.append(ItemStats(index + 1, device, dict(statuses), len(scored), misnamed_as))
    return result


@dataclass(frozen=True)
class TechniqueRecall:
    """How often the class found the key items of one technique."""

    technique: Technique
    items: int  # key items of this technique
    found: int  # (student, item) pairs found and named right
    misnamed: int  # (student, item) pairs spotted but named otherwise
    possible: int  # items × students

    @property
    def recall(self) -> float:
        return self.found / self.possible if self.possible else 0.0

    @property
    def spotted(self) -> float:
        return (self.found + self.misnamed) / self.possible if self.possible else 0.0


def recall_by_technique(items: Sequence[ItemStats]) -> list[TechniqueRecall]:
    """Return recall per technique of the key (share of its items found), lowest first."""
    grouped: dict[str, list[ItemStats]] = defaultdict(list)
    for item in items:
        grouped[item.device.technique.slug].append(item)
    result = [
        TechniqueRecall(
            technique=group[0].device.technique,
            items=len(group),
            found=sum(i.counts["found"] for i in group),
            misnamed=sum(i.counts["misnamed"] for i in group),
            possible=sum(i.total for i in group),
        )
        for group in grouped.values()
    ]
    return sorted(result, key=lambda r: (r.recall, r.technique.name))


# False alarms ----------------------------------------------------------------


_SPACES = re.compile(r"\s+")


def normalise_marked_text(text: str) -> str:
    """Return ``text`` folded for grouping: case ignored, runs of space made one space."""
    return _SPACES.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class FalseAlarm:
    """Marks of one stretch of text (grouped by wording) that overlap no key item."""

    text: str  # as most students marked it
    students: int
    marks: int
    techniques: tuple[tuple[Technique, int], ...]  # most common first
    start: int  # where it first occurs in the body


def common_false_alarms(
    work: ClassWork, students: Sequence[StudentWork], *, limit: int = 10
) -> list[FalseAlarm]:
    """Return the false alarms most students made, grouped by the text marked."""
    body = work.key.body
    groups: dict[str, dict] = {}
    for student in students:
        if student.score is None:
            continue
        marks = student.marks
        for index in student.score.devices.false_alarms:
            mark = marks[index]
            trimmed = trim_span(body, mark.start, mark.end)
            if trimmed is None:
                continue
            text = body[trimmed[0] : trimmed[1]]
            group = groups.setdefault(
                normalise_marked_text(text),
                {
                    "texts": Counter(),
                    "students": set(),
                    "marks": 0,
                    "techniques": Counter(),
                    "start": trimmed[0],
                },
            )
            group["texts"][text] += 1
            group["students"].add(student.student.pk)
            group["marks"] += 1
            group["techniques"][mark.technique] += 1
            group["start"] = min(group["start"], trimmed[0])
    alarms = [
        FalseAlarm(
            text=group["texts"].most_common(1)[0][0],
            students=len(group["students"]),
            marks=group["marks"],
            techniques=tuple(sorted(group["techniques"].items(), key=lambda pair: (-pair[1], pair[0].name))),
            start=group["start"],
        )
        for group in groups.values()
    ]
    alarms.sort(key=lambda a: (-a.students, -a.marks, a.start))
    return alarms[:limit]


# Voices ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConfusionRow:
    """How the class labelled the sentences whose key voice is ``voice``."""

    voice: str
    cells: tuple[tuple[str | None, int], ...]  # (answer or None for unanswered, count)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.cells)

    @property
    def correct(self) -> int:
        return dict(self.cells)[self.voice]

    @property
    def accuracy(self) -> float | None:
        answered = self.total - dict(self.cells)[None]
        return self.correct / answered if answered else None


def voice_confusion(students: Sequence[StudentWork]) -> list[ConfusionRow]:
    """Return the class's voices confusion matrix: key voice by answer, unanswered last."""
    totals = {key: Counter() for key in VOICES}
    for student in students:
        if student.score is None:
            continue
        for key, row in student.score.voices.confusion.items():
            totals[key].update(row)
    return [
        ConfusionRow(key, tuple((answer, totals[key][answer]) for answer in (*VOICES, None)))
        for key in VOICES
    ]


@dataclass(frozen=True)
class SentenceStats:
    """How the class labelled one sentence."""

    segment: Segment
    text: str
    right: int
    half: int
    wrong: int
    unanswered: int
    common_wrong: str | None  # the most common answer other than the key's

    @property
    def answered(self) -> int:
        return self.right + self.half + self.wrong

    @property
    def credit(self) -> float | None:
        return (self.right + self.half / 2) / self.answered if self.answered else None


def sentence_stats(work: ClassWork, students: Sequence[StudentWork]) -> list[SentenceStats]:
    """Return, per segment with a key voice, how ``students`` labelled it: right, half right, wrong."""
    answer_sets = [s.answers for s in students if s.started]
    result = []
    for segment in work.key.segments:
        if not segment.voice:
            continue
        tally = Counter()
        wrong_answers = Counter()
        for answers in answer_sets:
            answer = answers.get(segment.pk)
            if answer is None:
                tally["unanswered"] += 1
                continue
            credit = voice_credit(answer, segment.voice)
            tally["right" if credit == 1 else "half" if credit else "wrong"] += 1
            if answer != segment.voice:
                wrong_answers[answer] += 1
        result.append(
            SentenceStats(
                segment=segment,
                text=work.key.body[segment.start : segment.end].strip(),
                right=tally["right"],
                half=tally["half"],
                wrong=tally["wrong"],
                unanswered=tally["unanswered"],
                common_wrong=min(wrong_answers, key=lambda a: (-wrong_answers[a], a))
                if wrong_answers
                else None,
            )
        )
    return result


def sentences_most_wrong(sentences: Sequence[SentenceStats], *, limit: int = 8) -> list[SentenceStats]:
    """Return the sentences the class most often labelled wrong (lowest mean credit first)."""
    answered = [s for s in sentences if s.answered and s.credit < 1]
    return sorted(answered, key=lambda s: (s.credit, -s.wrong, s.segment.position))[:limit]


# Heatmap ---------------------------------------------------------------------


@dataclass(frozen=True)
class HeatSpan:
    """A stretch of the body marked by ``count`` students (each counted once)."""

    start: int
    end: int
    count: int


def heat_spans(body: str, marks_by_student: Iterable[Iterable[Span]]) -> list[HeatSpan]:
    """Return maximal stretches of ``body`` with the number of students whose marks cover them."""
    events: Counter[int] = Counter()
    for marks in marks_by_student:
        # One student's overlapping marks count once: merge them first.
        trimmed = sorted(filter(None, (trim_span(body, m.start, m.end) for m in marks)))
        merged: list[list[int]] = []
        for start, end in trimmed:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            events[start] += 1
            events[end] -= 1
    spans = []
    count = 0
    for left, right in pairwise(sorted(events)):
        count += events[left]
        if count:
            spans.append(HeatSpan(left, right, count))
    return spans


def heat_level(count: int, total: int) -> int:
    """Return the shading bin (0 to 4) of ``count`` students out of ``total``."""
    if count <= 0 or total <= 0:
        return 0
    return min(HEAT_LEVELS - 1, max(1, math.ceil((HEAT_LEVELS - 1) * count / total)))


@dataclass(frozen=True)
class HeatRun:
    """A piece of text with one marking count and one set of key items over it."""

    text: str
    count: int
    level: int
    key_items: tuple[int, ...]  # numbers of the key items covering it
    starts_items: tuple[int, ...]  # numbers of the key items that begin here
    peak: int | None  # at the start of a marked stretch: the most students marking any of it


@dataclass(frozen=True)
class _NumberedDevice:
    start: int
    end: int
    number: int


def _label_stretches(runs: list[dict]) -> None:
    """Give the first run of each unbroken marked stretch the stretch's peak count."""
    stretch: list[dict] = []
    for run in [*runs, None]:
        if run is not None and run["count"]:
            stretch.append(run)
            continue
        if stretch:
            stretch[0]["peak"] = max(r["count"] for r in stretch)
        stretch = []


def heatmap(work: ClassWork, students: Sequence[StudentWork]) -> list[tuple[Segment, list[HeatRun]]]:
    """Return the article, per segment, as runs shaded by how many of ``students`` marked them."""
    started = [s for s in students if s.started]
    body = work.key.body
    heat = heat_spans(body, ([Span(m.start, m.end, "") for m in s.marks] for s in started))
    devices = [_NumberedDevice(d.start, d.end, i + 1) for i, d in enumerate(work.key.devices)]
    result = []
    for segment, runs in runs_by_segment(body, work.key.segments, [*heat, *devices]):
        values = []
        for run in runs:
            count = next((s.count for s in run.spans if isinstance(s, HeatSpan)), 0)
            numbered = [s for s in run.spans if isinstance(s, _NumberedDevice)]
            values.append(
                {
                    "text": run.text,
                    "count": count,
                    "level": heat_level(count, len(started)),
                    "key_items": tuple(d.number for d in numbered),
                    "starts_items": tuple(d.number for d in numbered if d.start == run.start),
                    "peak": None,
                }
            )
        # One number per stretch keeps the text readable; the shading shows the detail.
        _label_stretches(values)
        result.append((segment, [HeatRun(**value) for value in values]))
    return result


@dataclass(frozen=True)
class HeatLegend:
    level: int
    low: int
    high: int


def heat_legend(total: int) -> list[HeatLegend]:
    """Return the range of student counts each shading bin stands for."""
    legend = [HeatLegend(0, 0, 0)]
    if total <= 0:
        return legend
    for level in range(1, HEAT_LEVELS):
        counts = [n for n in range(1, total + 1) if heat_level(n, total) == level]
        if counts:
            legend.append(HeatLegend(level, counts[0], counts[-1]))
    return legend


# Score distribution ----------------------------------------------------------


@dataclass(frozen=True)
class Bin:
    """Scores from ``low`` up to ``high`` percent (the last bin includes 100)."""

    low: int
    high: int
    count: int


def score_histogram(values: Iterable[float], *, bins: int = 5) -> list[Bin]:
    """Return how many scores (0 to 1) fall in each of ``bins`` equal bands of percent."""
    width = 100 / bins
    counts = [0] * bins
    for value in values:
        if not 0 <= value <= 1:
            raise ValueError(f"A score must lie between 0 and 1, got {value}.")
        counts[min(bins - 1, int(value * 100 // width))] += 1
    return [
        Bin(round(i * width), round((i + 1) * width) - (1 if i < bins - 1 else 0), n)
        for i, n in enumerate(counts)
    ]


@dataclass(frozen=True)
class Analysis:
    """Everything the item-analysis page shows, for one set of students."""

    students: list[StudentWork]
    items: list[ItemStats]
    techniques: list[TechniqueRecall]
    false_alarms: list[FalseAlarm]
    confusion: list[ConfusionRow]
    hardest_sentences: list[SentenceStats]
    heatmap: list[tuple[Segment, list[HeatRun]]] = field(repr=False)
    heat_legend: list[HeatLegend]
    voices_histogram: list[Bin]
    named_histogram: list[Bin]


def analyse(work: ClassWork, *, submitted_only: bool = False) -> Analysis:
    """Return the item analysis of the students who started (or only those who submitted)."""
    students = work.submitted if submitted_only else work.started
    items = item_stats(work, students)
    scored = [s.score for s in students if s.score is not None]
    return Analysis(
        students=students,
        items=items,
        techniques=recall_by_technique(items),
        false_alarms=common_false_alarms(work, students),
        confusion=voice_confusion(students),
        hardest_sentences=sentences_most_wrong(sentence_stats(work, students)),
        heatmap=heatmap(work, students),
        heat_legend=heat_legend(len(students)),
        voices_histogram=score_histogram(s.voices.score for s in scored),
        named_histogram=score_histogram(s.devices.named.f1 for s in scored),
    )
