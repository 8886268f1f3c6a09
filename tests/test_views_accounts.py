"""Getting an account: students joining with a class code, teachers signing up with an invitation."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from teaching.classes import archive_classroom, create_classroom, join_classroom
from teaching.models import Enrollment, Invitation, User

HTMX = {"HX-Request": "true"}
GOOD_PASSWORD = "purple-kettle-sky"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash quickly: the strength of the hash is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def classroom(teacher):
    return create_classroom(teacher=teacher, name="Year 9 Media")


def _signup(code, **extra):
    return {
        "code": code,
        "display_name": "Amber Fox",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        **extra,
    }


# -- A new student joins ---------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_join_page_asks_a_visitor_for_code_name_and_password_only(client, db, headers):
    response = client.get(reverse("student_join"), headers=headers)
    assert response.status_code == 200
    assert "<html" in response.text
    assert list(response.context["form"].fields) == ["code", "display_name", "password1", "password2"]
    assert "email" not in response.text.lower().replace("no email", "")
    assert f'href="{reverse("login")}"' in response.text


def test_join_page_fills_in_a_code_from_the_address(client, classroom):
    response = client.get(reverse("student_join") + f"?code={classroom.join_code}")
    assert f'value="{classroom.join_code}"' in response.text


def test_new_student_joins_is_logged_in_and_shown_their_username(client, classroom):
    response = client.post(reverse("student_join"), _signup(classroom.grouped_join_code.lower()))
    assert response.status_code == 302
    assert response.url == reverse("student_welcome")
    student = User.objects.get(display_name="Amber Fox")
    assert student.role == User.Role.STUDENT
    assert classroom.students.filter(pk=student.pk).exists()
    assert int(client.session[SESSION_KEY]) == student.pk
    welcome = client.get(response.url)
    assert student.username in welcome.text
    assert "You joined Year 9 Media" in welcome.text


def test_new_student_can_log_in_with_the_username_they_were_shown(client, classroom):
    client.post(reverse("student_join"), _signup(classroom.join_code))
    username = User.objects.get(display_name="Amber Fox").username
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("student_home")).status_code == 200


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"code": "WRONGCODE9"}, "code", "No class has that code"),
        ({"code": ""}, "code", "Type the class code"),
        ({"display_name": "   "}, "display_name", "Type a name your teacher will recognise"),
        ({"display_name": "x" * 41}, "display_name", "at most 40 characters"),
        ({"password2": "something-else"}, "password2", "The two passwords are different"),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1", "entirely numeric"),
        ({"password1": "password1", "password2": "password1"}, "password1", "too common"),
        ({"password1": "amberfox1", "password2": "amberfox1"}, "password1", "too similar"),
    ],
)
def test_bad_sign_up_says_what_is_wrong_and_creates_nothing(client, classroom, override, field, message):
    response = client.post(reverse("student_join"), {**_signup(classroom.join_code), **override})
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert 'aria-invalid="true"' in response.text
    assert not User.objects.filter(role=User.Role.STUDENT).exists()
    assert SESSION_KEY not in client.session


def test_sign_up_to_an_archived_class_is_refused(client, classroom):
    archive_classroom(classroom=classroom)
    response = client.post(reverse("student_join"), _signup(classroom.join_code))
    assert "archived" in response.text
    assert not User.objects.filter(role=User.Role.STUDENT).exists()


def test_sign_up_with_a_name_already_in_the_class_asks_for_another(client, classroom, student):
    join_classroom(student=student, code=classroom.join_code)
    response = client.post(reverse("student_join"), _signup(classroom.join_code, display_name="STUDENT"))
    assert "already uses the name" in str(response.context["form"].errors["display_name"])
    assert classroom.students.count() == 1


# -- A student with an account joins another class --------------------------------


def test_logged_in_student_is_asked_only_for_the_code(client, student):
    client.force_login(student)
    response = client.get(reverse("student_join"))
    assert list(response.context["form"].fields) == ["code"]
    assert "Join another class" in response.text


def test_logged_in_student_joins_another_class_and_returns_home(client, classroom, student):
    client.force_login(student)
    response = client.post(reverse("student_join"), {"code": classroom.join_code}, follow=True)
    assert response.redirect_chain == [(reverse("student_home"), 302)]
    assert "You joined Year 9 Media" in response.text
    assert classroom.students.filter(pk=student.pk).exists()


def test_joining_a_class_twice_says_you_are_already_in_it(client, classroom, student):
    join_classroom(student=student, code=classroom.join_code)
    client.force_login(student)
    response = client.post(reverse("student_join"), {"code": classroom.join_code}, follow=True)
    assert "You are already in Year 9 Media" in response.text
    assert Enrollment.objects.filter(student=student).count() == 1


def test_logged_in_student_with_a_wrong_code_joins_nothing(client, classroom, student):
    client.force_login(student)
    response = client.post(reverse("student_join"), {"code": "WRONGCODE9"})
    assert response.status_code == 400
    assert "No class has that code" in response.text
    assert not Enrollment.objects.exists()


def test_teacher_on_the_join_page_is_told_it_is_for_students(client, teacher, classroom):
    client.force_login(teacher)
    response = client.get(reverse("student_join"))
    assert response.status_code == 200
    assert "logged in as a teacher" in response.text
    client.post(reverse("student_join"), {"code": classroom.join_code})
    assert not classroom.students.exists()


def test_student_home_links_to_the_join_page(client, student):
    client.force_login(student)
    response = client.get(reverse("student_home"))
    assert f'href="{reverse("student_join")}"' in response.text


@pytest.mark.parametrize(("who", "status"), [("teacher", 404), (None, 302)])
def test_welcome_page_is_for_students_only(client, teacher, who, status):
    if who:
        client.force_login(teacher)
    assert client.get(reverse("student_welcome")).status_code == status


# -- Login page ------------------------------------------------------------------


def test_login_page_points_new_students_to_the_join_page(client, db):
    response = client.get(reverse("login"))
    assert f'href="{reverse("student_join")}"' in response.text
    assert "Ask your teacher" in response.text


# -- A teacher signs up with an invitation -----------------------------------------


@pytest.fixture
def admin_user(make_user):
    return make_user("boss", role="teacher", is_staff=True, is_superuser=True)


@pytest.fixture
def invitation(admin_user):
    return Invitation.objects.create(
        created_by=admin_user, note="New colleague", expires_at=timezone.now() + datetime.timedelta(days=7)
    )


def _teacher_data(**extra):
    return {
        "username": "rivera",
        "display_name": "Ms Rivera",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        **extra,
    }


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_invitation_link_shows_the_sign_up_form(client, invitation, headers):
    response = client.get(reverse("teacher_signup", args=[invitation.token]), headers=headers)
    assert response.status_code == 200
    assert "<html" in response.text
    assert "Create your teacher account" in response.text


def test_teacher_signs_up_is_logged_in_and_the_invitation_is_used(client, invitation):
    response = client.post(reverse("teacher_signup", args=[invitation.token]), _teacher_data())
    assert response.status_code == 302
    assert response.url == reverse("classroom_list")
    teacher = User.objects.get(username="rivera")
    assert teacher.role == User.Role.TEACHER and teacher.display_name == "Ms Rivera"
    invitation.refresh_from_db()
    assert invitation.used_by == teacher
    assert client.get(reverse("classroom_list")).status_code == 200


def test_used_invitation_cannot_make_a_second_account(client, invitation):
    client.post(reverse("teacher_signup", args=[invitation.token]), _teacher_data())
    client.logout()
    response = client.post(reverse("teacher_signup", args=[invitation.token]), _teacher_data(username="eve"))
    assert response.status_code == 404
    assert "cannot be used" in response.text
    assert not User.objects.filter(username="eve").exists()


@pytest.mark.parametrize("token", ["expired", "unknown"])
def test_expired_or_unknown_invitation_is_a_clear_404(client, invitation, token):
    if token == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
        token = invitation.token
    response = client.get(reverse("teacher_signup", args=[token]))
    assert response.status_code == 404
    assert "Ask your school" in response.text


@pytest.mark.parametrize(
    "override",
    [
        {"password2": "different-pass"},
        {"username": "student"},
        {"username": "no spaces!"},
        {"display_name": ""},
    ],
)
def test_bad_teacher_sign_up_creates_nothing_and_keeps_the_invitation(client, invitation, student, override):
    response = client.post(reverse("teacher_signup", args=[invitation.token]), _teacher_data(**override))
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert list(User.objects.filter(role=User.Role.TEACHER)) == [invitation.created_by]
    invitation.refresh_from_db()
    assert invitation.used_by is None


def test_admin_shows_the_invitation_sign_up_link(client, admin_user, invitation):
    client.force_login(admin_user)
    link = "http://testserver" + reverse("teacher_signup", args=[invitation.token])
    changelist = client.get(reverse("admin:teaching_invitation_changelist"))
    assert link in changelist.text
    change = client.get(reverse("admin:teaching_invitation_change", args=[invitation.pk]))
    assert link in change.text


def test_admin_add_invitation_page_suggests_an_expiry_date(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:teaching_invitation_add"))
    assert response.status_code == 200
    expires = response.context["adminform"].form.initial["expires_at"]
    assert expires > timezone.now() + datetime.timedelta(days=13)


# -- Changing one's own password -------------------------------------------------


def test_student_changes_their_one_time_password(client, student):
    client.force_login(student)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": GOOD_PASSWORD,
            "new_password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password(GOOD_PASSWORD)
