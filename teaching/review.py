"""
One student's attempt laid over the key, for the teacher's read-only review.

Built from the same score the results table shows, so the review never tells a
different story from the row that opened it.
"""

from dataclasses import dataclass

from teaching.classwork import ClassWork, StudentWork
from teaching.models import KeyDevice, Mark, Segment, Technique, Voice
from teaching.scoring import ItemResult, trim_span, voice_credit
from teaching.text_runs import runs_by_segment


@dataclass(frozen=True)
class VoiceRow:
    """A sentence, the key's voice for it, and the student's answer."""

    segment: Segment
    text: str
    key: str
    answer: str | None
    credit: float | None  # None when unanswered

    @property
    def key_label(self) -> str:
        return Voice(self.key).label

    @property
    def answer_label(self) -> str:
        return Voice(self.answer).label if self.answer else ""

    @property
    def verdict(self) -> str:
        """Return right, half, wrong or unanswered (also the row's CSS class)."""
        if self.credit is None:
            return "unanswered"
        return "right" if self.credit == 1 else "half" if self.credit else "wrong"


@dataclass(frozen=True)
class ItemRow:
    """A key item and what the student did with it."""

    number: int
    device: KeyDevice
    result: ItemResult
    named_as: Technique | None


@dataclass(frozen=True)
class ReviewRun:
    """A piece of the article with the student's marks and the key items over it."""

    text: str
    marks: tuple[Mark, ...]
    mark_starts: tuple[Mark, ...]  # marks that begin here: their code is printed once
    items: tuple[int, ...]  # numbers of the key items covering it
    item_starts: tuple[int, ...]
    false_alarm: bool  # covered only by marks that overlap no key item

    @property
    def is_plain(self) -> bool:
        return not self.marks and not self.items


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    number: int


@dataclass(frozen=True)
class Review:
    """Everything the attempt-review page shows for one student."""

    work: StudentWork
    voices: list[VoiceRow]
    items: list[ItemRow]
    false_alarms: list[tuple[Mark, str]]
    article: list[tuple[Segment, list[ReviewRun]]]

    @property
    def voice_mistakes(self) -> int:
        return sum(1 for row in self.voices if row.verdict in {"wrong", "half"})


def review_attempt(work: ClassWork, student: StudentWork, techniques: dict[str, Technique]) -> Review:
    """Return ``student``'s attempt laid over the key of ``work``."""
    key = work.key
    answers = student.answers
    voices = []
    for segment in key.segments:
        if not segment.voice:
            continue
        answer = answers.get(segment.pk)
        voices.append(
            VoiceRow(
                segment=segment,
                text=key.body[segment.start : segment.end].strip(),
                key=segment.voice,
                answer=answer,
                credit=None if answer is None else voice_credit(answer, segment.voice),
            )
        )
    marks = student.marks
    devices = student.score.devices if student.score else None
    items = [
        ItemRow(
            number=index + 1,
            device=device,
            result=devices.items[index] if devices else ItemResult("missed", None),
            named_as=techniques.get(devices.items[index].named_as) if devices else None,
        )
        for index, device in enumerate(key.devices)
    ]
    alarm_indices = set(devices.false_alarms) if devices else set()
    false_alarms = []
    for index in sorted(alarm_indices):
        trimmed = trim_span(key.body, marks[index].start, marks[index].end)
        false_alarms.append((marks[index], key.body[trimmed[0] : trimmed[1]] if trimmed else ""))
    alarm_marks = {marks[i].pk for i in alarm_indices}
    numbered = [_Item(d.start, d.end, i + 1) for i, d in enumerate(key.devices)]
    article = []
    for segment, runs in runs_by_segment(key.body, key.segments, [*marks, *numbered]):
        review_runs = []
        for run in runs:
            run_marks = tuple(s for s in run.spans if isinstance(s, Mark))
            run_items = tuple(s for s in run.spans if isinstance(s, _Item))
            review_runs.append(
                ReviewRun(
                    text=run.text,
                    marks=run_marks,
                    mark_starts=tuple(m for m in run_marks if m.start == run.start),
                    items=tuple(i.number for i in run_items),
                    item_starts=tuple(i.number for i in run_items if i.start == run.start),
                    false_alarm=bool(run_marks) and all(m.pk in alarm_marks for m in run_marks),
                )
            )
        article.append((segment, review_runs))
    return Review(work=student, voices=voices, items=items, false_alarms=false_alarms, article=article)
