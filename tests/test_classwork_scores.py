"""Scoring a class from plain rows gives the same results as scoring it from model instances."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teaching.classwork import load_class_scores, load_class_work
from teaching.score_cache import Scores
from tests.factories import BETA_GAMMA, EPSILON, give_work, make_class, make_tiny_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(make_user):
    teacher = make_user("teacher", role="teacher")
    lesson = make_tiny_lesson()
    _, assignment, students = make_class(teacher, lesson, students=7)
    for index, student in enumerate(students):
        if index == 6:
            continue  # one never starts
        marks = [("loaded", *BETA_GAMMA), ("fear", 56, 61)] if index % 2 else [("labels", *EPSILON)]
        voices = {0: "partial", 2: "direct"} if index % 3 else {1: "narration"}
        give_work(assignment, student, voices=voices, marks=marks, submitted=index % 3 > 0)
    return assignment


def _expected(work):
    """Return what a results line should hold for each student of ``work`` (scored from instances)."""
    lines = []
    for student_work in work.students:
        attempt, score = student_work.attempt, student_work.score
        lines.append(
            (
                student_work.student.pk,
                str(student_work.student),
                student_work.student.username,
                student_work.status,
                attempt is not None,
                attempt.seconds_spent if attempt else None,
                attempt.submitted_at if attempt else None,
                *(Scores.of(score) if score else (None,) * len(Scores._fields)),
            )
        )
    return lines


def test_plain_row_scores_equal_the_scores_of_the_full_work(assignment):
    full = load_class_work(assignment)
    plain = load_class_scores(assignment)

    assert [tuple(line) for line in plain.students] == _expected(full)
    assert plain.key_items == len(full.key.devices)
    assert sum(line.voices is None for line in plain.students) == 1


def test_cached_scores_equal_the_scores_of_the_full_work(assignment):
    load_class_scores(assignment)
    cached = load_class_scores(assignment)

    assert [tuple(line) for line in cached.students] == _expected(load_class_work(assignment))
    assert cached.key_items == 2


def test_plain_row_scores_take_no_more_queries_than_the_full_work(assignment):
    with CaptureQueriesContext(connection) as full:
        load_class_work(assignment)
    with CaptureQueriesContext(connection) as plain:
        load_class_scores(assignment)
    with CaptureQueriesContext(connection) as cached:
        load_class_scores(assignment)

    assert len(plain.captured_queries) <= len(full.captured_queries)
    # Nothing changed since: the roster (with each attempt's version) is the only query.
    assert len(cached.captured_queries) == 1
