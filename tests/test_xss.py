"""
Every text a user can set is shown as text: payloads come back escaped, on every page and fragment.

The fast half of the XSS tests (tests/test_e2e_xss.py runs the same pages in Chromium).
Here each page's HTML is read: a payload must appear escaped (``&lt;script&gt;``),
never as live markup, and never as a ``javascript:`` link.
"""

import pytest
from django.test import Client
from django.urls import reverse

from teaching.models import Assignment, Classroom, Mark, User
from tests.hostile import (
    ADMIN,
    ALL,
    ANONYMOUS,
    ATTRIBUTE,
    ESCAPED,
    NOT_HTML,
    PAGES,
    PASSWORD,
    SCRIPT,
    STUDENT,
    TEACHER,
    URL,
    build_hostile_world,
    payload_problems,
    product_url_names,
    span,
)
from tests.test_access_matrix import EXPECTATIONS, POST_ONLY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(db):
    return build_hostile_world()


def client_for(world, viewer):
    client = Client()
    user = {TEACHER: world.teacher, STUDENT: world.student, ADMIN: world.admin, ANONYMOUS: None}[viewer]
    if user is not None:
        client.force_login(user)
    return client


def shows_escaped(html):
    return any(escaped in html for escaped in ESCAPED)


def assert_inert(response, where, *, shown=True, status=200):
    """Assert ``response`` is HTML that shows payloads only as text (and shows one, if ``shown``)."""
    html = response.content.decode()
    assert response.status_code == status, f"{where}: {response.status_code}"
    assert response["Content-Type"].startswith("text/html"), where
    problems = payload_problems(html)
    assert not problems, f"{where}: {problems}"
    if shown:
        assert shows_escaped(html), f"{where}: no payload shown, so this checks nothing"


# Every page ---------------------------------------------------------------------------------


def test_every_page_of_the_product_is_in_the_list():
    covered = {page.name for page in PAGES} | set(NOT_HTML)
    post_only = {name for name, expected in EXPECTATIONS.items() if expected == POST_ONLY}
    missing = sorted(product_url_names() - covered - post_only)
    assert not missing, f"Add these pages to PAGES in tests/hostile.py: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=[page.id for page in PAGES])
def test_page_shows_every_user_text_escaped(world, page):
    client = client_for(world, page.viewer)
    url = page.url(world)

    # Anonymous pages may show no user text; everyone else's header shows their payload name.
    assert_inert(client.get(url), url, shown=page.viewer != ANONYMOUS)
    fragment = client.get(url, headers=HTMX)
    assert fragment.status_code == 200, f"{url} (htmx): {fragment.status_code}"
    assert not payload_problems(fragment.content.decode()), f"{url} (htmx)"


def test_the_texts_are_stored_as_typed_not_mangled(world):
    # Escaping happens on output: the data keeps what the person typed.
    assert world.classroom.name == ALL
    assert world.student.display_name == ATTRIBUTE
    assert world.technique.name == ATTRIBUTE


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("lesson_export", lambda w: {"slug": w.draft.slug}),
        ("classroom_export_json", lambda w: {"pk": w.classroom.pk}),
        ("classroom_export_csv", lambda w: {"pk": w.classroom.pk}),
        ("assignment_results_csv", lambda w: {"pk": w.done.pk}),
    ],
)
def test_downloads_are_never_read_as_html(world, name, kwargs):
    response = client_for(world, TEACHER).get(reverse(name, kwargs=kwargs(world)))

    assert response.status_code == 200
    assert not response["Content-Type"].startswith("text/html")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert SCRIPT in response.content.decode()  # The data is whole; the browser will not render it.


# What saving shows: fragments and messages -------------------------------------------------


def test_adding_students_with_payload_names_shows_them_escaped(world):
    client = client_for(world, TEACHER)
    url = reverse("students_add", args=[world.classroom.pk])
    names = f"{SCRIPT}x\n{ATTRIBUTE[:-1]}\n{URL}x"

    assert_inert(client.post(url, {"names": names}, headers=HTMX), "roster fragment")
    # Without htmx: the class page shows the new logins once, after the redirect.
    more = f"{SCRIPT}y\n{URL}y"
    assert_inert(client.post(url, {"names": more}, follow=True), "class page with new logins")
    assert User.objects.filter(display_name=f"{SCRIPT}y").exists()


def test_creating_and_renaming_a_class_with_a_payload_name_shows_it_escaped(world):
    client = client_for(world, TEACHER)

    created = client.post(reverse("classroom_create"), {"name": ALL}, follow=True)
    assert_inert(created, "new class page")
    classroom = Classroom.objects.filter(teacher=world.teacher).latest("pk")
    assert classroom.name == ALL
    renamed = client.post(reverse("classroom_rename", args=[classroom.pk]), {"name": SCRIPT}, follow=True)
    assert_inert(renamed, "renamed class page")
    archived = client.post(reverse("classroom_archive", args=[classroom.pk]), follow=True)
    assert_inert(archived, "class list after archiving (its message names the class)")


def test_assigning_a_lesson_with_a_payload_title_says_so_escaped(world):
    client = client_for(world, TEACHER)
    data = {
        "lesson": world.lesson.pk,
        "opens_at": "2030-01-01T09:00",
        "due_at": "2030-01-08T17:00",
        "feedback": Assignment.Feedback.ON_SUBMIT,
    }

    response = client.post(reverse("assignment_create", args=[world.classroom.pk]), data, follow=True)

    assert_inert(response, "class page after assigning")
    assert world.classroom.assignments.count() == 3


def test_removing_a_student_names_them_escaped(world):
    client = client_for(world, TEACHER)
    url = reverse("student_remove", args=[world.classroom.pk, world.classmates[0].pk])

    assert_inert(client.post(url, follow=True), "class page after removing a student")


def test_joining_with_a_payload_name_shows_it_escaped(world):
    client = Client()
    data = {
        "code": world.classroom.join_code,
        "display_name": f"{SCRIPT}!",  # Without the "!" it is a classmate's name, and refused.
        "password1": "a-long-Passphrase-9",
        "password2": "a-long-Passphrase-9",
    }

    response = client.post(reverse("student_join"), data, follow=True)

    assert response.redirect_chain == [(reverse("student_welcome"), 302)]
    assert_inert(response, "welcome page")
    assert world.classroom.students.filter(display_name=f"{SCRIPT}!").exists()


def test_an_invalid_join_shows_what_was_typed_escaped(world):
    data = {"code": ATTRIBUTE[:24], "display_name": ATTRIBUTE, "password1": "x", "password2": "y"}

    response = Client().post(reverse("student_join"), data)

    assert_inert(response, "join form with errors", status=400)


def test_logging_in_with_a_payload_next_goes_nowhere_dangerous(world):
    client = Client()
    data = {"username": "hostile-a", "password": PASSWORD, "next": URL}

    response = client.post(reverse("login"), data)

    assert response.status_code == 302
    assert not response.url.lower().startswith("javascript:")


def test_a_voice_save_fragment_is_inert(world):
    client = client_for(world, STUDENT)
    segment = world.open.lesson.segments.get(position=1)
    url = reverse("voice_save", args=[world.open.pk, segment.pk])

    saved = client.post(url, {f"{segment.pk}-voice": "partial"}, headers=HTMX)
    refused = client.post(url, {f"{segment.pk}-voice": SCRIPT}, headers=HTMX)

    assert saved.status_code == 200 and refused.status_code == 400
    for response in (saved, refused):
        assert not payload_problems(response.content.decode())


def test_marking_and_relabelling_name_the_technique_escaped(world):
    client = client_for(world, STUDENT)
    start, end = span("twice")
    added = client.post(
        reverse("mark_add", args=[world.open.pk]),
        {
            "start": start,
            "end": end,
            "technique": world.technique.slug,
            "client_id": "0" * 8 + "-0000-4000-8000-" + "0" * 12,
        },
        headers=HTMX,
    )
    assert added.status_code == 201
    assert not payload_problems(added.content.decode())
    assert shows_escaped(added.content.decode())

    mark = Mark.objects.filter(attempt__assignment=world.open).first()
    changed = client.post(
        reverse("mark_change", args=[world.open.pk, mark.client_id]),
        {"action": "relabel", "technique": world.technique.slug},
        headers=HTMX,
    )
    assert changed.status_code == 200
    assert not payload_problems(changed.content.decode())
