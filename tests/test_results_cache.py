"""
The results table's cached scores never outlive the work they were computed from.

Each test first views the results (so the scores are cached), then changes a student's
work the way the app does, and checks that the next view shows the change.
"""

import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teaching import score_cache
from teaching.classwork import load_class_scores
from teaching.models import Assignment, Attempt, KeyDevice
from teaching.work import record_activity
from tests.factories import BETA_GAMMA, EPSILON, TINY_SEGMENTS, give_work, make_class, make_tiny_lesson
from tests.test_views_results import csv_rows, table_rows

pytestmark = pytest.mark.django_db

COLUMNS = ["name", "status", "minutes", "voices", "kappa", "named", "spotted", "hits", "alarms", "submitted"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(teacher):
    """Return (assignment, [student, classmate]): the tiny lesson, open, to a class of two."""
    classroom, assignment, students = make_class(teacher, make_tiny_lesson(), students=2)
    # Read back, as a view would: building the lesson moved its content version.
    return Assignment.objects.select_related("lesson", "classroom").get(pk=assignment.pk), students


@pytest.fixture
def teacher_client(teacher):
    client = Client()
    client.force_login(teacher)
    return client


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def results(teacher_client, assignment):
    """Return the results page's line per student name, as {column: cell text}."""
    response = teacher_client.get(reverse("assignment_results", args=[assignment.pk]))
    return {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in table_rows(response)}


def csv_results(teacher_client, assignment):
    _, *rows = csv_rows(teacher_client.get(reverse("assignment_results_csv", args=[assignment.pk])))
    return {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows}


def save_voice(client, assignment, position, voice):
    segment = assignment.lesson.segments.get(position=position)
    url = reverse("voice_save", args=[assignment.pk, segment.pk])
    return client.post(url, {f"{segment.pk}-voice": voice}, headers={"HX-Request": "true"})


def add_mark(client, assignment, span, technique, client_id=None):
    data = {"start": span[0], "end": span[1], "technique": technique, "client_id": client_id or uuid.uuid4()}
    return client.post(reverse("mark_add", args=[assignment.pk]), data, headers={"HX-Request": "true"})


def change_mark(client, assignment, client_id, **data):
    url = reverse("mark_change", args=[assignment.pk, client_id])
    return client.post(url, data, headers={"HX-Request": "true"})


# Through the app's own write paths ----------------------------------------------------


def test_a_changed_voice_answer_changes_the_table_and_the_csv(teacher_client, world):
    assignment, (student, _) = world
    pupil = client_for(student)
    assert save_voice(pupil, assignment, 0, "partial").status_code == 200
    before = results(teacher_client, assignment)[student.display_name]
    assert csv_results(teacher_client, assignment)[student.display_name]["voices"] == before["voices"]

    assert save_voice(pupil, assignment, 1, "paraphrase").status_code == 200

    after = results(teacher_client, assignment)[student.display_name]
    assert (before["voices"], after["voices"]) == ("33%", "67%")
    assert csv_results(teacher_client, assignment)[student.display_name]["voices"] == "67%"


def test_answering_every_sentence_at_once_changes_the_table(teacher_client, world):
    assignment, (student, _) = world
    pupil = client_for(student)
    save_voice(pupil, assignment, 0, "direct")
    assert results(teacher_client, assignment)[student.display_name]["voices"] == "17%"
    segments = assignment.lesson.segments.order_by("position")
    answers = {f"{s.pk}-voice": voice for s, (_, _, voice, _) in zip(segments, TINY_SEGMENTS, strict=True)}

    response = pupil.post(reverse("voices", args=[assignment.pk]), answers)

    assert response.status_code == 302
    assert results(teacher_client, assignment)[student.display_name]["voices"] == "100%"


def test_adding_relabelling_removing_and_undoing_a_mark_each_change_the_table(teacher_client, world):
    assignment, (student, _) = world
    pupil = client_for(student)
    mark_id = uuid.uuid4()
    name = student.display_name

    assert add_mark(pupil, assignment, BETA_GAMMA, "loaded", mark_id).status_code == 201
    assert results(teacher_client, assignment)[name]["hits"] == "1"

    assert change_mark(pupil, assignment, mark_id, action="relabel", technique="fear").status_code == 200
    relabelled = results(teacher_client, assignment)[name]
    assert (relabelled["hits"], relabelled["spotted"]) == ("0", "67%")

    assert change_mark(pupil, assignment, mark_id, action="remove").status_code == 200
    removed = results(teacher_client, assignment)[name]
    assert (removed["hits"], removed["spotted"]) == ("0", "0%")

    # Undo puts the mark back under its client id.
    assert add_mark(pupil, assignment, BETA_GAMMA, "fear", mark_id).status_code == 201
    assert results(teacher_client, assignment)[name]["spotted"] == "67%"
    assert csv_results(teacher_client, assignment)[name]["spotted"] == "67%"


def test_one_students_save_leaves_the_others_scores_cached(teacher_client, world):
    assignment, (student, classmate) = world
    give_work(assignment, classmate, voices="key")
    save_voice(client_for(student), assignment, 0, "partial")
    results(teacher_client, assignment)
    save_voice(client_for(student), assignment, 1, "paraphrase")

    with CaptureQueriesContext(connection) as queries:
        lines = {line.student_pk: line for line in load_class_scores(assignment).students}

    # Only the changed attempt's answers and marks are read again.
    attempt = Attempt.objects.get(student=student)
    work_queries = [
        q["sql"] for q in queries.captured_queries if "voiceanswer" in q["sql"] or "mark" in q["sql"]
    ]
    assert len(work_queries) == 2
    assert all(f"IN ({attempt.pk})" in sql for sql in work_queries)
    assert lines[classmate.pk].voices == 1.0
    assert lines[student.pk].voices == pytest.approx(2 / 3)


def test_deleting_a_student_removes_their_line(teacher_client, world):
    assignment, (student, classmate) = world
    give_work(assignment, student, voices="key")
    give_work(assignment, classmate, voices={0: "direct"})
    assert set(results(teacher_client, assignment)) == {student.display_name, classmate.display_name}

    delete = reverse("classroom_student_delete", args=[assignment.classroom.pk, student.pk])
    assert teacher_client.post(delete).status_code == 302

    assert set(results(teacher_client, assignment)) == {classmate.display_name}
    assert set(csv_results(teacher_client, assignment)) == {classmate.display_name}


# The cache itself ------------------------------------------------------------------------


def test_recording_activity_bumps_the_work_version_in_the_same_update(world):
    assignment, (student, _) = world
    attempt = Attempt.objects.create(assignment=assignment, student=student)

    with CaptureQueriesContext(connection) as queries:
        record_activity(attempt)
    record_activity(attempt)

    assert len(queries.captured_queries) == 1
    attempt.refresh_from_db()
    assert attempt.work_version == 2


def test_a_deleted_attempt_leaves_the_cache_entry(teacher_client, world):
    assignment, (student, classmate) = world
    gone = give_work(assignment, student, voices="key")
    kept = give_work(assignment, classmate, voices="key")
    load_class_scores(assignment)
    gone.delete()

    load_class_scores(assignment)

    _, entry = cache.get(score_cache._key(assignment))
    assert set(entry) == {kept.pk}


def test_scores_are_for_one_version_of_the_work(world):
    assignment, (student, _) = world
    attempt = give_work(assignment, student, voices="key")
    version = (attempt.work_version, attempt.last_active_at)
    scores = score_cache.Scores(1.0, 1.0, 0.0, 0.0, 0, 0)
    score_cache.write(assignment, key_items=2, versions={attempt.pk: version}, scores={attempt.pk: scores})

    assert score_cache.read(assignment, {attempt.pk: version}).scores == {attempt.pk: scores}
    newer = (attempt.work_version + 1, attempt.last_active_at)
    assert score_cache.read(assignment, {attempt.pk: newer}).scores == {}
    # The same id and version in a database restored from a backup: another last activity.
    restored = (attempt.work_version, None)
    assert score_cache.read(assignment, {attempt.pk: restored}).scores == {}


def test_a_new_version_of_the_lesson_key_scores_again(world):
    assignment, (student, _) = world
    give_work(assignment, student, marks=[("loaded", *BETA_GAMMA), ("labels", *EPSILON)])
    assert [line.hits for line in load_class_scores(assignment).students if line.started] == [2]
    KeyDevice.objects.filter(lesson=assignment.lesson, position=1).delete()

    # The deletion moved Lesson.content_version, which the cache keys on.
    assignment.lesson.refresh_from_db()
    work = load_class_scores(assignment)

    assert [line.hits for line in work.students if line.started] == [1]
    assert work.key_items == 1
