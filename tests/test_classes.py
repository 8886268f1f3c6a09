"""The domain functions behind classes, rosters, joining and assignments."""

import datetime
import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from teaching.classes import (
    ONE_TIME_PASSWORD_ITERATIONS,
    PASSWORD_WORDS,
    ClassArchived,
    DisplayNameTaken,
    InvitationUsed,
    UnknownJoinCode,
    add_students_in_bulk,
    archive_classroom,
    create_assignment,
    create_classroom,
    generate_password,
    join_classroom,
    normalise_join_code,
    remove_student,
    reset_student_password,
    restore_classroom,
    rotate_join_code,
    sign_up_student,
    sign_up_teacher,
)
from teaching.demo import create_demo
from teaching.models import Assignment, Classroom, Enrollment, Invitation, User
from teaching.models.classes import JOIN_CODE_ALPHABET


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash quickly: these tests make dozens of accounts, and the strength of the hash is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def classroom(teacher):
    return create_classroom(teacher=teacher, name="Year 9")


def test_new_class_has_a_join_code_of_at_least_forty_bits(classroom):
    bits = len(classroom.join_code) * 5  # 32 symbols = 5 bits each
    assert bits >= 40
    assert set(classroom.join_code) <= set(JOIN_CODE_ALPHABET)


def test_grouped_join_code_splits_the_code_in_two_halves(classroom):
    classroom.join_code = "ABCDE12345"
    assert classroom.grouped_join_code == "ABCDE-12345"


def test_rotating_the_code_changes_it_and_the_old_code_stops_working(classroom, student):
    old = classroom.join_code
    new = rotate_join_code(classroom=classroom)
    classroom.refresh_from_db()
    assert new == classroom.join_code != old
    with pytest.raises(UnknownJoinCode):
        join_classroom(student=student, code=old)
    assert join_classroom(student=student, code=new) == (classroom, True)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("abcde-12345", "ABCDE12345"),
        ("  ABCDE 12345 ", "ABCDE12345"),
        ("oil", "011"),  # look-alike letters read as the digits they resemble
    ],
)
def test_join_codes_are_read_forgivingly(typed, stored):
    assert normalise_join_code(typed) == stored


def test_student_joins_with_a_code_typed_in_lower_case_with_a_dash(classroom, student):
    code = f"{classroom.join_code[:5].lower()}-{classroom.join_code[5:].lower()}"
    assert join_classroom(student=student, code=code) == (classroom, True)
    assert classroom.students.filter(pk=student.pk).exists()


def test_joining_twice_keeps_one_enrollment_and_says_so(classroom, student):
    join_classroom(student=student, code=classroom.join_code)
    assert join_classroom(student=student, code=classroom.join_code) == (classroom, False)
    assert Enrollment.objects.filter(student=student).count() == 1


@pytest.mark.parametrize("code", ["", "ZZZZZZZZZZ", "not a code!", "ÄÖÜ"])
def test_unknown_code_raises_a_clear_error_and_enrols_nobody(classroom, student, code):
    with pytest.raises(UnknownJoinCode, match="No class has that code"):
        join_classroom(student=student, code=code)
    assert not Enrollment.objects.exists()


def test_archived_class_cannot_be_joined(classroom, student):
    archive_classroom(classroom=classroom)
    with pytest.raises(ClassArchived, match="archived"):
        join_classroom(student=student, code=classroom.join_code)
    restore_classroom(classroom=classroom)
    assert join_classroom(student=student, code=classroom.join_code)[1] is True


def test_sign_up_makes_a_student_with_a_username_from_the_display_name(classroom):
    student, joined = sign_up_student(
        display_name="  Amber   Fox ", password="x7-lantern-q", code=classroom.join_code
    )
    assert joined == classroom
    assert student.role == User.Role.STUDENT
    assert student.display_name == "Amber Fox"
    assert re.fullmatch(r"amberfox\d{3}", student.username)
    assert student.check_password("x7-lantern-q")
    assert not student.email


def test_sign_up_with_a_name_in_another_script_still_gets_a_typeable_username(classroom):
    student, _ = sign_up_student(display_name="Маша", password="x7-lantern-q", code=classroom.join_code)
    assert re.fullmatch(r"student\d{3}", student.username)
    assert student.display_name == "Маша"


def test_sign_up_with_a_bad_code_creates_no_account(classroom):
    with pytest.raises(UnknownJoinCode):
        sign_up_student(display_name="Amber", password="x7-lantern-q", code="WRONGCODE1")
    assert not User.objects.filter(role=User.Role.STUDENT).exists()


def test_sign_up_refuses_a_display_name_already_in_the_class(classroom):
    sign_up_student(display_name="Amber Fox", password="x7-lantern-q", code=classroom.join_code)
    with pytest.raises(DisplayNameTaken):
        sign_up_student(display_name="amber fox", password="x7-lantern-q", code=classroom.join_code)
    assert classroom.students.count() == 1
    assert User.objects.filter(role=User.Role.STUDENT).count() == 1


def test_usernames_stay_unique_when_many_students_share_a_name(teacher):
    usernames = set()
    for number in range(30):
        classroom = create_classroom(teacher=teacher, name=f"Class {number}")
        student, _ = sign_up_student(display_name="Sam", password="x7-lantern-q", code=classroom.join_code)
        usernames.add(student.username)
    assert len(usernames) == 30


def test_generated_passwords_are_two_words_and_four_digits():
    password = generate_password()
    first, second, digits = password.split("-")
    assert first in PASSWORD_WORDS and second in PASSWORD_WORDS
    assert re.fullmatch(r"\d{4}", digits)
    assert len({generate_password() for _ in range(50)}) > 45


def test_bulk_add_creates_enrolled_students_with_working_one_time_passwords(classroom):
    credentials = add_students_in_bulk(classroom=classroom, display_names=["Amber Fox", "Blue Heron"])
    assert [c.display_name for c in credentials] == ["Amber Fox", "Blue Heron"]
    for c in credentials:
        student = User.objects.get(username=c.username)
        assert student.check_password(c.password)
        assert student.role == User.Role.STUDENT
        assert classroom.students.filter(pk=student.pk).exists()


def test_one_time_passwords_are_hashed_quickly_then_strengthened_at_first_login(settings, classroom, client):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    (credentials,) = add_students_in_bulk(classroom=classroom, display_names=["Amber Fox"])
    student = User.objects.get(username=credentials.username)
    assert student.password.startswith(f"pbkdf2_sha256${ONE_TIME_PASSWORD_ITERATIONS}$")
    assert client.login(username=credentials.username, password=credentials.password)
    student.refresh_from_db()
    assert student.password.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")


def test_reset_password_replaces_the_old_one(classroom, student):
    join_classroom(student=student, code=classroom.join_code)
    credentials = reset_student_password(classroom=classroom, student=student)
    student.refresh_from_db()
    assert credentials.username == student.username
    assert student.check_password(credentials.password)
    assert not student.check_password("correct-horse-battery")


def test_reset_password_refuses_someone_outside_the_class(classroom, student):
    with pytest.raises(ValueError):
        reset_student_password(classroom=classroom, student=student)
    student.refresh_from_db()
    assert student.check_password("correct-horse-battery")


def test_removing_a_student_keeps_their_account_and_other_classes(teacher, student):
    first = create_classroom(teacher=teacher, name="A")
    second = create_classroom(teacher=teacher, name="B")
    join_classroom(student=student, code=first.join_code)
    join_classroom(student=student, code=second.join_code)
    remove_student(classroom=first, student=student)
    assert list(student.classrooms.all()) == [second]
    assert User.objects.filter(pk=student.pk).exists()


def test_assignment_must_be_due_after_it_opens(classroom, seed_lesson):
    now = timezone.now()
    with pytest.raises(ValueError):
        create_assignment(classroom=classroom, lesson=seed_lesson, opens_at=now, due_at=now)
    assignment = create_assignment(
        classroom=classroom,
        lesson=seed_lesson,
        opens_at=now,
        due_at=now + datetime.timedelta(days=1),
        feedback=Assignment.Feedback.AFTER_DUE,
    )
    assert assignment.feedback == "after_due"


def _invitation(admin_user, **extra):
    return Invitation.objects.create(
        created_by=admin_user, expires_at=timezone.now() + datetime.timedelta(days=1), **extra
    )


def test_teacher_sign_up_uses_the_invitation_up(make_user):
    admin_user = make_user("boss", role="teacher", is_staff=True)
    invitation = _invitation(admin_user)
    teacher = sign_up_teacher(
        invitation=invitation, username="rivera", display_name="Ms Rivera", password="pw"
    )
    invitation.refresh_from_db()
    assert teacher.role == User.Role.TEACHER
    assert invitation.used_by == teacher
    assert not Invitation.objects.usable().exists()


def test_a_used_invitation_creates_no_second_teacher(make_user):
    admin_user = make_user("boss", role="teacher", is_staff=True)
    invitation = _invitation(admin_user)
    sign_up_teacher(invitation=invitation, username="first", display_name="First", password="pw")
    with pytest.raises(InvitationUsed):
        sign_up_teacher(invitation=invitation, username="second", display_name="Second", password="pw")
    assert not User.objects.filter(username="second").exists()


def test_demo_has_a_teacher_with_a_class_of_students_and_the_seed_lesson_assigned(lessons):
    classroom = create_demo()
    assert classroom.teacher.is_teacher
    assert classroom.students.count() >= 20
    assert classroom.assignments.filter(lesson__slug="tass-lavrov-2025-11-13").exists()
    # Students of the demo class see the seed lesson: it is open now.
    seed = classroom.assignments.get(lesson__slug="tass-lavrov-2025-11-13")
    assert seed.is_open()
    # Running it again changes nothing.
    create_demo()
    assert Classroom.objects.count() == 1
    assert Assignment.objects.count() == 2
