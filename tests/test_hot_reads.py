"""The hand-prepared reads of every signed-in request give what the ORM would."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.http import Http404
from django.utils import timezone

from teaching.backends import UserBackend
from teaching.hot_reads import RowReader
from teaching.models import Article, Assignment, Attempt, Classroom, User
from teaching.sessions import SessionStore
from teaching.work import assignment_for_student, assignment_for_teacher, attempt_for, start_attempt
from tests.factories import give_work, make_class, make_tiny_lesson


def test_a_row_read_equals_the_orm_instance_field_for_field(student):
    User.objects.filter(pk=student.pk).update(last_login=timezone.now())
    expected = User.objects.get(pk=student.pk)
    read = RowReader(User).get(student.pk)
    for field in User._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert timezone.is_aware(read.date_joined) and timezone.is_aware(read.last_login)
    assert read._state.adding is False and read._state.db == "default"


def test_a_missing_row_is_none(db):
    assert RowReader(User).get(10**9) is None


def test_the_backend_refuses_an_inactive_user(student):
    assert UserBackend().get_user(student.pk) == student
    User.objects.filter(pk=student.pk).update(is_active=False)
    assert UserBackend().get_user(student.pk) is None


def test_a_session_is_read_back_until_it_expires(student):
    store = SessionStore()
    store[SESSION_KEY] = str(student.pk)
    store.save()
    assert SessionStore(store.session_key).load()[SESSION_KEY] == str(student.pk)

    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key is made on the next save, as Django's store does


@pytest.mark.parametrize("key", ["", "no-such-session-key-000000000000"])
def test_an_unknown_session_key_loads_nothing(db, key):
    assert SessionStore(key).load() == {}


# A student's assignment, read in one prepared query --------------------------------------------


def test_a_students_assignment_comes_with_its_class_lesson_article_and_attempt_in_one_query(
    teacher, django_assert_num_queries
):
    classroom, assignment, (pupil, other) = make_class(teacher, make_tiny_lesson(), students=2)
    attempt = give_work(assignment, pupil, submitted=False)
    assignment_for_student(other, assignment.pk)  # the first request reads the lesson, once
    with django_assert_num_queries(1):
        found = assignment_for_student(pupil, assignment.pk)
        assert found == assignment and found.due_at == assignment.due_at
        assert found.classroom.name == classroom.name
        assert found.lesson.article.body == assignment.lesson.article.body
        assert attempt_for(pupil, found) == attempt
    assert timezone.is_aware(found.opens_at)
    # The prefetched attempt is the student's own: another student's lookup finds theirs (none).
    assert attempt_for(other, assignment_for_student(other, assignment.pk)) is None
    assert attempt_for(other, found) is None


def test_starting_an_attempt_makes_it_the_one_the_assignment_hands_back(teacher):
    _, assignment, (pupil,) = make_class(teacher, make_tiny_lesson(), students=1)
    found = assignment_for_student(pupil, assignment.pk)
    assert attempt_for(pupil, found) is None
    started = start_attempt(pupil, found)
    assert attempt_for(pupil, found) == started == Attempt.objects.get(student=pupil)


@pytest.mark.parametrize("case", ["stranger", "archived", "not open", "no such", "huge"])
def test_an_assignment_the_student_may_not_open_is_a_404(teacher, student, case):
    classroom, assignment, (pupil,) = make_class(teacher, make_tiny_lesson(), students=1)
    who, pk = pupil, assignment.pk
    if case == "stranger":
        who = student
    elif case == "archived":
        Classroom.objects.filter(pk=classroom.pk).update(archived_at=timezone.now())
    elif case == "not open":
        Assignment.objects.filter(pk=pk).update(
            opens_at=timezone.now() + datetime.timedelta(hours=1),
            due_at=timezone.now() + datetime.timedelta(hours=2),
        )
    else:
        pk = assignment.pk + 1000 if case == "no such" else 2**70
    with pytest.raises(Http404):
        assignment_for_student(who, pk)


def test_the_lesson_is_read_again_when_its_content_changes(teacher):
    _, assignment, (pupil,) = make_class(teacher, make_tiny_lesson(), students=1)
    first = assignment_for_student(pupil, assignment.pk).lesson
    assert assignment_for_student(pupil, assignment.pk).lesson is first  # cached
    article = Article.objects.get(lesson=assignment.lesson)
    article.title = "Changed headline"
    article.save()
    assert assignment_for_student(pupil, assignment.pk).lesson.article.title == "Changed headline"


def test_a_teachers_assignment_comes_with_its_class_and_lesson_in_one_query(
    teacher, other_teacher, django_assert_num_queries
):
    classroom, assignment, _ = make_class(teacher, make_tiny_lesson(), students=1)
    assignment_for_teacher(teacher, assignment.pk)  # the first request reads the lesson, once
    with django_assert_num_queries(1):
        found = assignment_for_teacher(teacher, assignment.pk)
        assert found == assignment and found.classroom.name == classroom.name
        assert found.lesson.article.body == assignment.lesson.article.body
    Classroom.objects.filter(pk=classroom.pk).update(archived_at=timezone.now())
    assert assignment_for_teacher(teacher, assignment.pk) == assignment  # archived classes stay readable
    for who, pk in [(other_teacher, assignment.pk), (teacher, assignment.pk + 1000), (teacher, 2**70)]:
        with pytest.raises(Http404):
            assignment_for_teacher(who, pk)
