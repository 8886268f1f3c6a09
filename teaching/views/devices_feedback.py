"""The devices activity's feedback: the article with the key laid over the student's marks, and the scores."""

from dataclasses import dataclass
from typing import Any

from django.shortcuts import render
from django.views.decorators.http import require_GET

from teaching.access import student_required
from teaching.devices_html import paragraphs
from teaching.grading import LessonKey
from teaching.marks import STATUS_DISPLAY, DevicesFeedback, feedback_on_marks
from teaching.models import Mark
from teaching.text_runs import runs_by_segment
from teaching.work import assignment_for_student, attempt_for, feedback_available


@dataclass(frozen=True)
class Block:
    """A paragraph or heading of the article, as runs of text under the same spans."""

    heading: bool
    runs: list


def article_blocks(body: str, segments, spans) -> list[Block]:
    """Return the article cut into paragraphs and headings, each a list of runs under ``spans``."""
    segment_runs = runs_by_segment(body, segments, spans)
    return [
        Block(heading=heading, runs=[run for index in indexes for run in segment_runs[index][1]])
        for heading, indexes in paragraphs(body, segments)
    ]


@require_GET
@student_required
def devices_feedback(request, assignment_pk):
    """Show the article with the key laid over the student's marks, item by item, and the scores."""
    assignment = assignment_for_student(request.user, assignment_pk)
    attempt = attempt_for(request.user, assignment)
    context = {"assignment": assignment, "attempt": attempt}
    if not feedback_available(assignment, attempt):
        # A friendly page, not a 404: the feedback exists, it is just not open yet.
        template = "teaching/devices_feedback_closed.html"
    else:
        template = "teaching/devices_feedback.html"
        context.update(_feedback_context(assignment, attempt))
    return render(request, template, context)


@dataclass(frozen=True)
class FeedbackRun:
    """A run of the feedback article: its text, classes, and the anchors and badges around it."""

    text: str
    css: str
    opens: tuple  # Key items and false alarms that start here: their anchors go before the text.
    closes: tuple  # Key items and false alarms that end here: their badges go after it.


def _feedback_run(run, alarms: dict[int, Any]) -> FeedbackRun:
    items = [span for span in run.spans if not isinstance(span, Mark)]
    marks = [span for span in run.spans if isinstance(span, Mark)]
    css = []
    if items:
        css += ["dv-key", f"dv-key-{items[0].status}"]
    if marks:
        css += ["dv-hl", f"tech-{marks[0].technique.slug}", f"dv-fam-{marks[0].technique.family}"]
        if len(marks) > 1:
            css += ["dv-overlap", f"tech2-{marks[-1].technique.slug}"]
        if any(mark.pk in alarms for mark in marks):
            css.append("dv-alarm")
    mark_alarms = [alarms[mark.pk] for mark in marks if mark.pk in alarms]
    return FeedbackRun(
        text=run.text,
        css=" ".join(css),
        opens=tuple(s for s in [*items, *mark_alarms] if s.start == run.start),
        closes=tuple(s for s in [*items, *mark_alarms] if s.end == run.end),
    )


def _feedback_context(assignment, attempt) -> dict:
    lesson = assignment.lesson
    key = LessonKey.load(lesson)
    marks = list(attempt.marks.select_related("technique")) if attempt else []
    feedback: DevicesFeedback = feedback_on_marks(key=key, marks=marks, outlet=lesson.article.outlet)
    alarms = {alarm.mark.pk: alarm for alarm in feedback.false_alarms}
    blocks = [
        Block(heading=block.heading, runs=[_feedback_run(run, alarms) for run in block.runs])
        for block in article_blocks(key.body, key.segments, [*feedback.items, *marks])
    ]
    counts = feedback.counts
    return {
        "article": lesson.article,
        "feedback": feedback,
        "blocks": blocks,
        "mark_count": len(marks),
        "legend": [(status, label, icon) for status, (label, icon) in STATUS_DISPLAY.items()],
        "tally": [(status, label, icon, counts[status]) for status, (label, icon) in STATUS_DISPLAY.items()],
    }
