"""Scoring a class from plain rows gives the same scores as scoring it from model instances."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teaching.classwork import load_class_scores, load_class_work
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


def test_plain_row_scores_equal_the_scores_of_the_full_work(assignment):
    full = load_class_work(assignment)
    plain = load_class_scores(assignment)

    assert [(w.student, w.attempt, w.status, w.score) for w in plain.students] == [
        (w.student, w.attempt, w.status, w.score) for w in full.students
    ]
    assert sum(w.score is None for w in plain.students) == 1


def test_plain_row_scores_take_no_more_queries_than_the_full_work(assignment):
    with CaptureQueriesContext(connection) as full:
        load_class_work(assignment)
    with CaptureQueriesContext(connection) as plain:
        load_class_scores(assignment)

    assert len(plain.captured_queries) <= len(full.captured_queries)
