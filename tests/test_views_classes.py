"""Teachers' class pages: who may see them, and what each page and fragment does."""

import datetime

import pytest
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape

from teaching.classes import add_students_in_bulk, create_assignment, create_classroom, join_classroom
from teaching.models import Assignment, Classroom, Enrollment, Lesson, User
from teaching.urls import urlpatterns as lens_urlpatterns
from teaching.views.classrooms import CREDENTIALS_KEY

HTMX = {"HX-Request": "true"}


def fake_results(request, pk):
    return HttpResponse(f"results {pk}")


# For the test that class pages link to an assignment's results once that page exists.
urlpatterns = [*lens_urlpatterns, path("results/<int:pk>/", fake_results, name="assignment_results")]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash quickly: the strength of the hash is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def classroom(teacher):
    return create_classroom(teacher=teacher, name="Year 9 Media")


@pytest.fixture
def enrolled(classroom, student):
    join_classroom(student=student, code=classroom.join_code)
    return student


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def _assignment(classroom, lesson, **extra):
    now = timezone.now()
    return create_assignment(
        classroom=classroom,
        lesson=lesson,
        opens_at=extra.pop("opens_at", now - datetime.timedelta(hours=1)),
        due_at=extra.pop("due_at", now + datetime.timedelta(days=3)),
        **extra,
    )


# -- Who may see what ------------------------------------------------------------

TEACHER_URLS = [
    ("get", "classroom_list", False),
    ("get", "classroom_create", False),
    ("post", "classroom_create", False),
    ("get", "classroom_detail", True),
    ("get", "classroom_rename", True),
    ("post", "classroom_rename", True),
    ("post", "classroom_archive", True),
    ("post", "classroom_rotate_code", True),
    ("get", "classroom_join_sheet", True),
    ("post", "students_add", True),
    ("post", "student_reset_password", "student"),
    ("post", "student_remove", "student"),
    ("get", "assignment_create", True),
    ("post", "assignment_create", True),
]


def _url(name, scope, classroom, student):
    if scope == "student":
        return reverse(name, args=[classroom.pk, student.pk])
    return reverse(name, args=[classroom.pk]) if scope else reverse(name)


@pytest.mark.parametrize(("method", "name", "scope"), TEACHER_URLS)
def test_anonymous_visitor_is_sent_to_log_in(client, classroom, enrolled, method, name, scope):
    url = _url(name, scope, classroom, enrolled)
    response = getattr(client, method)(url, {"name": "Hijacked", "names": "Eve"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    classroom.refresh_from_db()
    assert classroom.name == "Year 9 Media"


@pytest.mark.parametrize(("method", "name", "scope"), TEACHER_URLS)
def test_student_gets_404_from_every_teacher_url(client, classroom, enrolled, method, name, scope):
    client.force_login(enrolled)
    code = classroom.join_code
    url = _url(name, scope, classroom, enrolled)
    response = getattr(client, method)(url, {"name": "Hijacked", "names": "Eve"})
    assert response.status_code == 404
    classroom.refresh_from_db()
    assert (classroom.name, classroom.join_code, classroom.archived_at) == ("Year 9 Media", code, None)
    assert classroom.students.count() == 1


@pytest.mark.parametrize(("method", "name", "scope"), [u for u in TEACHER_URLS if u[2]])
def test_other_teacher_gets_404_from_every_class_url(
    client, other_teacher, classroom, enrolled, method, name, scope
):
    client.force_login(other_teacher)
    code = classroom.join_code
    password = enrolled.password
    url = _url(name, scope, classroom, enrolled)
    response = getattr(client, method)(url, {"name": "Hijacked", "names": "Eve"})
    assert response.status_code == 404
    classroom.refresh_from_db()
    enrolled.refresh_from_db()
    assert (classroom.name, classroom.join_code, classroom.archived_at) == ("Year 9 Media", code, None)
    assert list(classroom.students.all()) == [enrolled]
    assert enrolled.password == password


def test_other_teacher_does_not_see_the_class_in_their_list(client, other_teacher, classroom):
    client.force_login(other_teacher)
    response = client.get(reverse("classroom_list"))
    assert response.status_code == 200
    assert "Year 9 Media" not in response.text


def test_teacher_cannot_reset_a_student_who_is_not_in_the_class(teacher_client, classroom, make_user):
    outsider = make_user("outsider")
    old_hash = outsider.password
    response = teacher_client.post(reverse("student_reset_password", args=[classroom.pk, outsider.pk]))
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.password == old_hash


def test_teacher_cannot_remove_a_student_from_another_teachers_class(teacher_client, other_teacher, student):
    theirs = create_classroom(teacher=other_teacher, name="Theirs")
    join_classroom(student=student, code=theirs.join_code)
    response = teacher_client.post(reverse("student_remove", args=[theirs.pk, student.pk]))
    assert response.status_code == 404
    assert theirs.students.filter(pk=student.pk).exists()


# -- Class list, create, rename, archive -----------------------------------------


def test_class_list_shows_active_classes_with_counts_and_archived_ones_apart(
    teacher_client, teacher, enrolled
):
    archived = create_classroom(teacher=teacher, name="Last year")
    archived.archived_at = timezone.now()
    archived.save()
    response = teacher_client.get(reverse("classroom_list"))
    assert response.status_code == 200
    active_part, archived_part = response.text.split("archived class")
    assert "Year 9 Media" in active_part and "1 student" in active_part
    assert "Last year" not in active_part and "Last year" in archived_part


def test_class_list_with_no_classes_invites_the_teacher_to_create_one(teacher_client):
    response = teacher_client.get(reverse("classroom_list"))
    assert "Create your first class" in response.text


def test_create_class_page_has_a_labelled_name_field(teacher_client):
    response = teacher_client.get(reverse("classroom_create"))
    assert response.status_code == 200
    assert '<label for="id_name">' in response.text


def test_creating_a_class_makes_it_and_opens_its_page(teacher_client, teacher):
    response = teacher_client.post(reverse("classroom_create"), {"name": "  Year   10  "})
    classroom = Classroom.objects.get(teacher=teacher)
    assert classroom.name == "Year 10"
    assert response.status_code == 302
    assert response.url == reverse("classroom_detail", args=[classroom.pk])


def test_creating_a_class_without_a_name_says_so_and_creates_nothing(teacher_client):
    response = teacher_client.post(reverse("classroom_create"), {"name": "   "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert not Classroom.objects.exists()


def test_rename_page_shows_the_current_name_and_renames(teacher_client, classroom):
    page = teacher_client.get(reverse("classroom_rename", args=[classroom.pk]))
    assert 'value="Year 9 Media"' in page.text
    response = teacher_client.post(reverse("classroom_rename", args=[classroom.pk]), {"name": "Year 9 Press"})
    assert response.status_code == 302
    classroom.refresh_from_db()
    assert classroom.name == "Year 9 Press"


def test_renaming_to_nothing_keeps_the_name(teacher_client, classroom):
    response = teacher_client.post(reverse("classroom_rename", args=[classroom.pk]), {"name": ""})
    assert response.status_code == 400
    classroom.refresh_from_db()
    assert classroom.name == "Year 9 Media"


def test_archiving_hides_the_class_and_stops_its_code(teacher_client, classroom, make_user):
    response = teacher_client.post(reverse("classroom_archive", args=[classroom.pk]))
    assert response.status_code == 302
    assert response.url == reverse("classroom_list")
    classroom.refresh_from_db()
    assert classroom.is_archived
    page = teacher_client.get(reverse("classroom_detail", args=[classroom.pk]))
    assert "Restore class" in page.text
    assert classroom.grouped_join_code not in page.text


def test_restoring_brings_an_archived_class_back(teacher_client, classroom):
    classroom.archived_at = timezone.now()
    classroom.save()
    teacher_client.post(reverse("classroom_archive", args=[classroom.pk]), {"action": "restore"})
    classroom.refresh_from_db()
    assert not classroom.is_archived


def test_archived_class_takes_no_new_code_students_or_assignments(teacher_client, classroom):
    classroom.archived_at = timezone.now()
    classroom.save()
    code = classroom.join_code
    for name in ["classroom_rotate_code", "students_add", "assignment_create"]:
        assert teacher_client.post(reverse(name, args=[classroom.pk]), {"names": "Amy"}).status_code == 404
    classroom.refresh_from_db()
    assert classroom.join_code == code
    assert not classroom.students.exists()


# -- Class page ------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_class_page_shows_code_assignments_with_results_links_and_roster(
    teacher_client, classroom, enrolled, seed_lesson
):
    assignment = _assignment(classroom, seed_lesson)
    response = teacher_client.get(reverse("classroom_detail", args=[classroom.pk]))
    assert response.status_code == 200
    text = response.text
    assert classroom.grouped_join_code in text
    assert f'href="/results/{assignment.pk}/"' in text
    assert escape(seed_lesson.title) in text
    assert "0 of 1" in text
    assert f'<td class="code-text">{enrolled.username}</td>' in text


def test_class_page_lists_assignments_even_before_results_pages_exist(teacher_client, classroom, seed_lesson):
    _assignment(classroom, seed_lesson)
    response = teacher_client.get(reverse("classroom_detail", args=[classroom.pk]))
    assert response.status_code == 200
    assert escape(seed_lesson.title) in response.text


def test_class_page_with_no_students_explains_how_they_join(teacher_client, classroom):
    response = teacher_client.get(reverse("classroom_detail", args=[classroom.pk]))
    assert "No students yet" in response.text


def test_join_sheet_shows_the_code_and_the_address_to_type(teacher_client, classroom):
    response = teacher_client.get(reverse("classroom_join_sheet", args=[classroom.pk]))
    assert response.status_code == 200
    assert classroom.grouped_join_code in response.text
    assert "http://testserver/join/" in response.text


# -- Rotating the code -----------------------------------------------------------


def test_rotating_the_code_as_a_plain_form_redirects_to_the_class_page(teacher_client, classroom):
    old = classroom.join_code
    response = teacher_client.post(reverse("classroom_rotate_code", args=[classroom.pk]))
    assert response.status_code == 302
    assert response.url == reverse("classroom_detail", args=[classroom.pk])
    classroom.refresh_from_db()
    assert classroom.join_code != old


def test_rotating_the_code_with_htmx_returns_just_the_code_panel(teacher_client, classroom):
    old = classroom.join_code
    response = teacher_client.post(reverse("classroom_rotate_code", args=[classroom.pk]), headers=HTMX)
    classroom.refresh_from_db()
    assert response.status_code == 200
    assert classroom.join_code != old
    assert response.text.lstrip().startswith('<section id="join-code"')
    assert classroom.grouped_join_code in response.text
    assert "<html" not in response.text and 'id="roster"' not in response.text


@pytest.mark.parametrize(
    "name",
    [
        "classroom_list",
        "classroom_create",
        "classroom_detail",
        "classroom_rename",
        "classroom_join_sheet",
        "assignment_create",
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX])
def test_teacher_pages_are_whole_pages_with_or_without_htmx(
    teacher_client, classroom, lessons, name, headers
):
    args = [] if name in {"classroom_list", "classroom_create"} else [classroom.pk]
    response = teacher_client.get(reverse(name, args=args), headers=headers)
    assert response.status_code == 200
    assert "<html" in response.text and '<main id="main"' in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_logins_stashed_for_one_class_wait_for_that_class_page(teacher_client, teacher, classroom):
    other = create_classroom(teacher=teacher, name="Other")
    teacher_client.post(reverse("students_add", args=[classroom.pk]), {"names": "Amber Fox"})
    assert teacher_client.get(reverse("classroom_detail", args=[other.pk])).context["credentials"] == []
    assert (
        len(teacher_client.get(reverse("classroom_detail", args=[classroom.pk])).context["credentials"]) == 1
    )


# -- Adding students -------------------------------------------------------------


def test_adding_students_as_a_plain_form_shows_their_logins_once(teacher_client, classroom):
    response = teacher_client.post(
        reverse("students_add", args=[classroom.pk]), {"names": "Amber Fox\n\nBlue Heron\n"}
    )
    assert response.status_code == 302
    assert response.url == reverse("classroom_detail", args=[classroom.pk]) + "#roster"
    assert sorted(classroom.students.values_list("display_name", flat=True)) == ["Amber Fox", "Blue Heron"]
    page = teacher_client.get(response.url)
    amber = User.objects.get(display_name="Amber Fox")
    password = page.context["credentials"][0]["password"]
    assert amber.check_password(password)
    assert password in page.text and "shown only this once" in page.text
    again = teacher_client.get(response.url)
    assert password not in again.text
    assert CREDENTIALS_KEY not in teacher_client.session


def test_adding_students_with_htmx_returns_the_roster_with_their_logins(teacher_client, classroom):
    response = teacher_client.post(
        reverse("students_add", args=[classroom.pk]), {"names": "Amber Fox"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="roster"')
    assert "<html" not in response.text
    (credentials,) = response.context["credentials"]
    assert User.objects.get(username=credentials.username).check_password(credentials.password)
    assert credentials.password in response.text
    # Nothing waits in the session: the fragment was the one showing.
    assert CREDENTIALS_KEY not in teacher_client.session


@pytest.mark.parametrize("htmx", [False, True])
def test_adding_a_name_already_in_the_class_says_so_and_adds_nobody(
    teacher_client, classroom, enrolled, htmx
):
    response = teacher_client.post(
        reverse("students_add", args=[classroom.pk]),
        {"names": f"New Kid\n{enrolled.display_name.upper()}"},
        headers=HTMX if htmx else {},
    )
    assert response.status_code == 400
    assert "already in the class" in response.text
    assert ("<html" in response.text) is not htmx
    assert list(classroom.students.all()) == [enrolled]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ("", "Type at least one name"),
        ("\n  \n", "Type at least one name"),
        ("Sam\nsam", "appears twice"),
        ("x" * 41, "at most 40 characters"),
        ("\n".join(f"Student {n}" for n in range(61)), "at most 60 students"),
    ],
)
def test_bad_lists_of_names_are_refused_with_a_reason(teacher_client, classroom, names, message):
    response = teacher_client.post(
        reverse("students_add", args=[classroom.pk]), {"names": names}, headers=HTMX
    )
    assert message in response.text
    assert not User.objects.filter(role=User.Role.STUDENT).exists()


# -- Resetting a password and removing a student ---------------------------------


def test_resetting_a_password_as_a_plain_form_shows_the_new_one_on_the_class_page(
    teacher_client, classroom, enrolled
):
    url = reverse("student_reset_password", args=[classroom.pk, enrolled.pk])
    response = teacher_client.post(url)
    assert response.status_code == 302
    page = teacher_client.get(response.url)
    (row,) = page.context["credentials"]
    enrolled.refresh_from_db()
    assert row["username"] == enrolled.username
    assert enrolled.check_password(row["password"])
    assert row["password"] in page.text


def test_resetting_a_password_with_htmx_returns_the_roster_with_the_new_one(
    teacher_client, classroom, enrolled
):
    url = reverse("student_reset_password", args=[classroom.pk, enrolled.pk])
    response = teacher_client.post(url, headers=HTMX)
    assert response.status_code == 200
    assert 'id="roster"' in response.text and "<html" not in response.text
    (credentials,) = response.context["credentials"]
    enrolled.refresh_from_db()
    assert enrolled.check_password(credentials.password)
    assert not enrolled.check_password("correct-horse-battery")


def test_removing_a_student_as_a_plain_form_redirects_with_a_message(teacher_client, classroom, enrolled):
    response = teacher_client.post(reverse("student_remove", args=[classroom.pk, enrolled.pk]), follow=True)
    assert response.redirect_chain[-1][0].endswith("#roster")
    assert "is no longer in this class" in response.text
    assert not classroom.students.exists()
    assert User.objects.filter(pk=enrolled.pk).exists()


def test_removing_a_student_with_htmx_returns_the_roster_without_them(teacher_client, classroom, enrolled):
    response = teacher_client.post(reverse("student_remove", args=[classroom.pk, enrolled.pk]), headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="roster"')
    assert "is no longer in this class" in response.text
    assert f'<td class="code-text">{enrolled.username}</td>' not in response.text
    assert "No students yet" in response.text
    assert not Enrollment.objects.filter(classroom=classroom).exists()


def test_roster_actions_refuse_get(teacher_client, classroom, enrolled):
    for name in ["student_reset_password", "student_remove"]:
        assert teacher_client.get(reverse(name, args=[classroom.pk, enrolled.pk])).status_code == 405
    assert classroom.students.exists()


# -- Assigning a lesson ----------------------------------------------------------


def _form_data(lesson, *, opens, due, feedback="on_submit"):
    return {
        "lesson": lesson.pk,
        "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
        "due_at": due.strftime("%Y-%m-%dT%H:%M"),
        "feedback": feedback,
    }


def test_assignment_form_offers_only_published_lessons_and_sensible_times(teacher_client, classroom, lessons):
    Lesson.objects.filter(slug="warm-up-skate-park").update(status=Lesson.Status.DRAFT)
    response = teacher_client.get(reverse("assignment_create", args=[classroom.pk]))
    assert response.status_code == 200
    choices = [label for value, label in response.context["form"].fields["lesson"].choices if value]
    assert choices == [Lesson.objects.get(slug="tass-lavrov-2025-11-13").title]
    initial = response.context["form"].initial
    assert initial["opens_at"] <= timezone.now() < initial["due_at"]


def test_assignment_form_preselects_a_lesson_from_the_address(teacher_client, classroom, seed_lesson):
    url = reverse("assignment_create", args=[classroom.pk]) + f"?lesson={seed_lesson.pk}"
    response = teacher_client.get(url)
    assert response.context["form"].initial["lesson"] == str(seed_lesson.pk)


def test_assigning_a_lesson_creates_it_and_returns_to_the_class(teacher_client, classroom, seed_lesson):
    now = timezone.localtime()
    data = _form_data(seed_lesson, opens=now, due=now + datetime.timedelta(days=2), feedback="after_due")
    response = teacher_client.post(reverse("assignment_create", args=[classroom.pk]), data)
    assert response.status_code == 302
    assignment = Assignment.objects.get(classroom=classroom)
    assert assignment.lesson == seed_lesson
    assert assignment.feedback == Assignment.Feedback.AFTER_DUE
    assert assignment.due_at - assignment.opens_at == datetime.timedelta(days=2)


@pytest.mark.parametrize(
    ("opens_delta", "due_delta", "message"),
    [
        (datetime.timedelta(days=2), datetime.timedelta(days=1), "must be after the opening time"),
        (datetime.timedelta(days=1), datetime.timedelta(days=1), "must be after the opening time"),
        (datetime.timedelta(days=-3), datetime.timedelta(days=-1), "already passed"),
    ],
)
def test_bad_times_are_refused_and_nothing_is_assigned(
    teacher_client, classroom, seed_lesson, opens_delta, due_delta, message
):
    now = timezone.localtime()
    data = _form_data(seed_lesson, opens=now + opens_delta, due=now + due_delta)
    response = teacher_client.post(reverse("assignment_create", args=[classroom.pk]), data)
    assert response.status_code == 400
    assert message in response.text
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "override",
    [{"lesson": "999999"}, {"lesson": "not-a-number"}, {"opens_at": "yesterday-ish"}, {"feedback": "never"}],
)
def test_malformed_assignment_data_is_refused(teacher_client, classroom, seed_lesson, override):
    now = timezone.localtime()
    data = {**_form_data(seed_lesson, opens=now, due=now + datetime.timedelta(days=1)), **override}
    response = teacher_client.post(reverse("assignment_create", args=[classroom.pk]), data)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert not Assignment.objects.exists()


def test_a_draft_lesson_cannot_be_assigned_by_posting_its_id(teacher_client, classroom, seed_lesson):
    Lesson.objects.filter(pk=seed_lesson.pk).update(status=Lesson.Status.DRAFT)
    now = timezone.localtime()
    data = _form_data(seed_lesson, opens=now, due=now + datetime.timedelta(days=1))
    response = teacher_client.post(reverse("assignment_create", args=[classroom.pk]), data)
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_students_added_in_bulk_see_the_assignment(client, classroom, seed_lesson):
    _assignment(classroom, seed_lesson)
    (credentials,) = add_students_in_bulk(classroom=classroom, display_names=["Amber Fox"])
    assert client.login(username=credentials.username, password=credentials.password)
    response = client.get(reverse("student_home"))
    assert escape(seed_lesson.title) in response.text
