"""Class-level item analysis: scored work, key items, techniques, false alarms, voices, heatmap, charts."""

import datetime
import uuid

import pytest
from django.utils import timezone

from teaching.analysis import (
    analyse,
    common_false_alarms,
    heat_legend,
    heat_level,
    heat_spans,
    heatmap,
    item_stats,
    normalise_marked_text,
    recall_by_technique,
    score_histogram,
    sentence_stats,
    sentences_most_wrong,
    voice_confusion,
)
from teaching.charts import histogram_chart
from teaching.classwork import load_class_work, load_classroom_work, summarise
from teaching.models import Assignment, Attempt, Mark
from teaching.scoring import Span
from tests.factories import give_work, make_tiny_class, make_tiny_lesson

# Pure functions ----------------------------------------------------------------


def test_heat_spans_count_each_student_once_even_with_overlapping_marks():
    body = "one two three four five"
    first = [Span(0, 7, "a"), Span(4, 13, "b")]  # "one two" and "two three": one student
    second = [Span(4, 7, "a")]  # "two"
    spans = heat_spans(body, [first, second])
    assert [(s.start, s.end, s.count) for s in spans] == [(0, 4, 1), (4, 7, 2), (7, 13, 1)]


def test_heat_spans_trim_space_and_punctuation_from_marks():
    body = 'He said "hello" twice.'
    spans = heat_spans(body, [[Span(7, 16, "a")]])  # ' "hello" ' with quotes and spaces
    assert [(body[s.start : s.end], s.count) for s in spans] == [("hello", 1)]


def test_heat_spans_of_nobody_is_empty():
    assert heat_spans("text", []) == []


@pytest.mark.parametrize(
    ("count", "total", "level"),
    [
        (0, 20, 0),
        (1, 20, 1),
        (5, 20, 1),
        (6, 20, 2),
        (10, 20, 2),
        (11, 20, 3),
        (16, 20, 4),
        (20, 20, 4),
        (3, 0, 0),
    ],
)
def test_heat_level_puts_counts_in_five_bins_of_the_class(count, total, level):
    assert heat_level(count, total) == level


def test_heat_legend_ranges_cover_every_count_once():
    legend = heat_legend(22)
    assert legend[0].level == 0
    covered = [n for entry in legend[1:] for n in range(entry.low, entry.high + 1)]
    assert covered == list(range(1, 23))
    assert [entry.level for entry in legend] == [0, 1, 2, 3, 4]


def test_score_histogram_puts_a_perfect_score_in_the_last_band():
    bins = score_histogram([0.0, 0.19, 0.2, 0.5, 0.99, 1.0])
    assert [(b.low, b.high, b.count) for b in bins] == [
        (0, 19, 2),
        (20, 39, 1),
        (40, 59, 1),
        (60, 79, 0),
        (80, 100, 2),
    ]


def test_score_histogram_refuses_a_score_outside_0_to_1():
    with pytest.raises(ValueError, match="between 0 and 1"):
        score_histogram([1.2])


def test_normalise_marked_text_ignores_case_and_spacing():
    assert (
        normalise_marked_text("  Kiev\n   REGIME ") == normalise_marked_text("kiev regime") == "kiev regime"
    )


def test_histogram_chart_scales_the_tallest_bar_to_the_top_tick_and_describes_every_band():
    chart = histogram_chart(score_histogram([0.1, 0.9, 0.95, 0.85]), chart_id="c", title="Voices")
    tallest = max(chart.bars, key=lambda bar: bar.count)
    assert tallest.count == 3
    assert tallest.y == chart.ticks[-1].y
    assert chart.ticks[0].value == 0 and chart.ticks[-1].value >= 3
    assert all(bar.height == 0 for bar in chart.bars if bar.count == 0)
    assert "Scores of 4 students" in chart.description
    assert "3 students scored 80–100%" in chart.description
    assert "1 student scored 0–19%" in chart.description


def test_histogram_chart_of_no_scores_says_so():
    chart = histogram_chart(score_histogram([]), chart_id="c", title="Voices")
    assert chart.description == "No scores yet."
    assert all(bar.height == 0 for bar in chart.bars)


# Scored class work -----------------------------------------------------------------


@pytest.fixture
def tiny(teacher):
    """A class of five on the tiny lesson: varied work, one not started (see make_tiny_class)."""
    return make_tiny_class(teacher)


def test_load_class_work_lists_every_enrolled_student_with_status_and_score(tiny):
    _, assignment, students = tiny
    work = load_class_work(assignment)
    assert [w.student for w in work.students] == students
    assert [w.status for w in work.students] == [
        Attempt.Status.SUBMITTED,
        Attempt.Status.SUBMITTED,
        Attempt.Status.SUBMITTED,
        Attempt.Status.IN_PROGRESS,
        Attempt.Status.NOT_STARTED,
    ]
    assert work.students[-1].score is None
    assert work.students[0].score.devices.hits == 2
    assert work.students[0].score.voices.score == 1.0


def test_load_class_work_calls_unsubmitted_work_overdue_after_the_due_time(tiny):
    _, assignment, _ = tiny
    later = assignment.due_at + datetime.timedelta(minutes=1)
    statuses = [w.status for w in load_class_work(assignment, now=later).students]
    assert statuses[3:] == [Attempt.Status.OVERDUE, Attempt.Status.OVERDUE]


def test_load_class_work_ignores_attempts_of_students_no_longer_in_the_class(tiny, make_user):
    _, assignment, _ = tiny
    leaver = make_user("leaver")
    give_work(assignment, leaver, voices="key")
    assert leaver not in [w.student for w in load_class_work(assignment).students]


def test_summarise_counts_statuses_and_takes_medians_of_submitted_work_only(tiny):
    _, assignment, _ = tiny
    summary = summarise(load_class_work(assignment))
    assert summary.enrolled == 5
    assert summary.started == 4
    assert summary.submitted == 3
    assert summary.count(Attempt.Status.NOT_STARTED) == 1
    # Voices: a 1.0, b (paraphrase for partial = 0.5, right, wrong) 0.5, c (direct for partial) 1/6.
    assert summary.voices_median == pytest.approx(0.5)
    assert summary.completion == pytest.approx(3 / 5)


def test_item_stats_count_found_partly_misnamed_and_missed_per_key_item(tiny):
    _, assignment, _ = tiny
    work = load_class_work(assignment)
    first, second = item_stats(work, work.started)
    assert first.counts == {"found": 2, "misnamed": 1, "partly": 0, "missed": 1}
    assert first.total == 4
    assert first.top_misnamed_as.slug == "fear"
    assert second.counts == {"found": 1, "misnamed": 0, "partly": 1, "missed": 2}
    assert second.share("missed") == pytest.approx(0.5)


def test_item_stats_of_submitted_work_leave_out_students_still_working(tiny):
    _, assignment, _ = tiny
    work = load_class_work(assignment)
    first, _ = item_stats(work, work.submitted)
    assert first.total == 3
    assert first.counts["found"] == 1


def test_recall_by_technique_is_the_share_of_items_found_and_lists_the_hardest_first(tiny):
    _, assignment, _ = tiny
    work = load_class_work(assignment)
    recall = recall_by_technique(item_stats(work, work.started))
    assert [r.technique.slug for r in recall] == ["labels", "loaded"]
    labels, loaded = recall
    assert labels.recall == pytest.approx(1 / 4)
    assert loaded.recall == pytest.approx(2 / 4)
    assert loaded.spotted == pytest.approx(3 / 4)


def test_common_false_alarms_group_marks_by_text_ignoring_case_and_space(tiny):
    _, assignment, _ = tiny
    work = load_class_work(assignment)
    alarms = common_false_alarms(work, work.started)
    assert len(alarms) == 1
    alarm = alarms[0]
    assert alarm.text == "theta"
    assert alarm.students == 2
    assert {technique.slug: n for technique, n in alarm.techniques} == {"loaded": 1, "fear": 1}


def test_common_false_alarms_count_a_student_once_per_text(tiny):
    _, assignment, students = tiny
    attempt = Attempt.objects.get(assignment=assignment, student=students[1])
    technique = attempt.marks.first().technique
    Mark.objects.create(attempt=attempt, technique=technique, start=56, end=61, client_id=uuid.uuid4())
    work = load_class_work(assignment)
    alarm = common_false_alarms(work, work.started)[0]
    assert alarm.students == 2
    assert alarm.marks == 3


def test_voice_confusion_adds_up_every_answer_and_counts_the_unanswered(tiny):
    _, assignment, _ = tiny
    work = load_class_work(assignment)
    rows = {row.voice: dict(row.cells) for row in voice_confusion(work.started)}
    # Key "partial" (segment 0): a partial, b paraphrase, c direct, d unanswered.
    assert rows["partial"] == {"direct": 1, "partial": 1, "paraphrase": 1, "narration": 0, None: 1}
    # Key "narration" (segment 2): a narration, b paraphrase, c and d unanswered.
    assert rows["narration"][None] == 2
    confusion = {row.voice: row for row in voice_confusion(work.started)}
    assert confusion["partial"].accuracy == pytest.approx(1 / 3)
    assert confusion["direct"].accuracy is None  # no direct sentence in the key


def test_sentences_most_wrong_puts_the_lowest_credit_first_with_the_common_mistake(tiny):
    _, assignment, _ = tiny
    work = load_class_work(assignment)
    stats = sentence_stats(work, work.started)
    # Segment 0 is a partial quote: direct and paraphrase both earn half.
    assert [(s.right, s.half, s.wrong, s.unanswered) for s in stats] == [
        (1, 2, 0, 1),
        (2, 0, 0, 2),
        (1, 0, 1, 2),
    ]
    hardest = sentences_most_wrong(stats)
    assert [s.segment.position for s in hardest] == [2, 0]
    assert hardest[0].common_wrong == "paraphrase"
    assert hardest[0].text == "Eta theta iota."


def test_heatmap_shades_marked_text_numbers_key_items_and_labels_each_stretch_once(tiny):
    _, assignment, _ = tiny
    work = load_class_work(assignment)
    article = heatmap(work, work.started)
    assert [segment.position for segment, _ in article] == [0, 1, 2]
    first_runs = article[0][1]
    assert "".join(run.text for run in first_runs) == 'Alpha "beta gamma" rises. '
    beta = next(run for run in first_runs if run.text == "beta gamma")
    # a, b and d marked it (d's quotes are trimmed off): 3 of the 4 who started.
    assert beta.count == 3
    assert beta.level == 3
    assert beta.key_items == (1,) and beta.starts_items == (1,)
    assert beta.peak == 3
    theta = next(run for run in article[2][1] if run.text == "theta")
    assert (theta.count, theta.key_items, theta.peak) == (2, (), 2)
    epsilon_runs = [run for run in article[1][1] if run.key_items == (2,)]
    assert [run.count for run in epsilon_runs] == [2, 1]
    assert [run.peak for run in epsilon_runs] == [2, None]


def test_analyse_counts_everyone_who_started_or_only_those_who_submitted(tiny):
    _, assignment, _ = tiny
    work = load_class_work(assignment)
    everyone = analyse(work)
    submitted = analyse(work, submitted_only=True)
    assert len(everyone.students) == 4
    assert len(submitted.students) == 3
    assert sum(b.count for b in everyone.named_histogram) == 4
    assert sum(b.count for b in submitted.voices_histogram) == 3


def test_load_classroom_work_scores_each_assignment_of_the_class(tiny, teacher):
    classroom, assignment, students = tiny
    second_lesson = make_tiny_lesson("tiny-two")
    later = Assignment.objects.create(
        classroom=classroom,
        lesson=second_lesson,
        opens_at=timezone.now(),
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    give_work(later, students[0], voices="key")
    works = load_classroom_work(classroom)
    assert [w.assignment for w in works] == [assignment, later]
    assert [w.status for w in works[1].students][:2] == [Attempt.Status.SUBMITTED, Attempt.Status.NOT_STARTED]
    assert works[1].students[0].score.voices.score == 1.0


# The demo class ---------------------------------------------------------------------


@pytest.fixture
def demo_class(lessons, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from teaching.demo import create_demo

    return create_demo()


def test_demo_class_has_a_realistic_spread_of_work_on_the_seed_lesson(demo_class):
    assignment = demo_class.assignments.get(lesson__slug="tass-lavrov-2025-11-13")
    work = load_class_work(assignment)
    summary = summarise(work)
    assert summary.enrolled == 25
    unfinished = summary.count(Attempt.Status.NOT_STARTED) + summary.count(Attempt.Status.IN_PROGRESS)
    assert 4 <= unfinished <= 5
    assert summary.submitted == 25 - unfinished
    voices = [w.score.voices.score for w in work.submitted]
    assert min(voices) < 0.75 < max(voices)
    analysis = analyse(work)
    assert any(item.counts["misnamed"] for item in analysis.items)
    assert analysis.false_alarms, "a few students mark plain sentences"
    confusion = {row.voice: dict(row.cells) for row in analysis.confusion}
    # Partial quotes are mistaken for paraphrase more than for narration.
    assert confusion["partial"]["paraphrase"] > confusion["partial"]["narration"]


def test_demo_leaves_the_newcomers_own_student_account_untouched(demo_class):
    assert not Attempt.objects.filter(student__username="student01").exists()


def test_demo_simulation_is_idempotent_and_deterministic(demo_class):
    from teaching.demo import simulate_class_work

    assignment = demo_class.assignments.get(lesson__slug="tass-lavrov-2025-11-13")
    before = sorted(
        Mark.objects.filter(attempt__assignment=assignment).values_list(
            "attempt__student__username", "start", "end"
        )
    )
    assert simulate_class_work(demo_class, assignment) == 0
    after = sorted(
        Mark.objects.filter(attempt__assignment=assignment).values_list(
            "attempt__student__username", "start", "end"
        )
    )
    assert before == after
    # Deleting one student's work and simulating again recreates exactly the same marks.
    victim = (
        Attempt.objects.filter(assignment=assignment, submitted_at__isnull=False)
        .order_by("student__username")
        .first()
    )
    username = victim.student.username
    victim.delete()
    assert simulate_class_work(demo_class, assignment) == 1
    again = sorted(
        Mark.objects.filter(attempt__assignment=assignment).values_list(
            "attempt__student__username", "start", "end"
        )
    )
    assert again == before
    assert any(row[0] == username for row in again)
