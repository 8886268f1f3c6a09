"""In Chromium: a teacher sets up a class and an assignment; a new student joins by keyboard alone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from teaching.classes import create_classroom
from teaching.models import Lesson
from tests.conftest import FIXTURES, SEED_SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEACHER_PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash quickly (the live server shares these settings): keeps each test well under 20 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def tab_to(page, selector, *, most=20):
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received the focus by Tab")


def create_class_and_assignment(page, live_server):
    """Log the teacher in, make a class, assign the seed lesson; return the class's join code."""
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    log_in(page, live_server, "teacher", TEACHER_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your classes")
    assert_accessible(page)

    page.get_by_role("link", name="Create your first class").click()
    page.get_by_label("Class name").fill("Year 10 Media")
    page.get_by_role("button", name="Create class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Year 10 Media")
    assert_accessible(page)

    page.get_by_role("link", name="Assign a lesson").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Assign a lesson")
    assert_accessible(page)
    page.get_by_label("Lesson").select_option(label=Lesson.objects.get(slug=SEED_SLUG).title)
    page.get_by_label("Only after the due time").check()
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("is assigned to this class")
    expect(page.locator(".assignment-table")).to_contain_text("foreign minister")
    return page.locator(".join-code-panel .join-code").inner_text()


def test_teacher_sets_up_a_class_and_a_new_student_joins_by_keyboard(page, live_server, loaded, make_user):
    make_user("teacher", role="teacher", password=TEACHER_PASSWORD, display_name="Ms Rivera")
    code = create_class_and_assignment(page, live_server)
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Lens")

    # The student, keyboard only: from the login page to the join link, then the form.
    tab_to(page, "a[href='/join/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join your class")
    assert_accessible(page)
    tab_to(page, "#id_code")
    page.keyboard.type(code.lower())
    page.keyboard.press("Tab")
    page.keyboard.type("Kestrel K")
    page.keyboard.press("Tab")
    page.keyboard.type("purple-kettle-sky")
    page.keyboard.press("Tab")
    page.keyboard.type("purple-kettle-sky")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Kestrel K!")
    username = page.locator(".username-box strong").inner_text()
    assert re.fullmatch(r"kestrelk\d{3}", username)
    assert_accessible(page)
    tab_to(page, "a.button")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("My assignments")
    expect(page.locator(".cards")).to_contain_text("foreign minister")
    expect(page.locator(".cards")).to_contain_text("Not started")
    assert_accessible(page)

    # Next time, the username shown and the chosen password let the student in.
    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, username, "purple-kettle-sky")
    expect(page.get_by_role("heading", level=1)).to_have_text("My assignments")


def test_teacher_manages_the_code_and_roster_without_page_loads(page, live_server, loaded, make_user):
    teacher = make_user("teacher", role="teacher", password=TEACHER_PASSWORD, display_name="Ms Rivera")
    classroom = create_classroom(teacher=teacher, name="Year 8")
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, "teacher", TEACHER_PASSWORD)
    page.goto(f"{live_server.url}/classes/{classroom.pk}/")
    # A marker on the window survives only while no full page load happens.
    page.evaluate("window.stillHere = true")

    old_code = page.locator(".join-code-panel .join-code").inner_text()
    page.get_by_role("button", name="Make a new code").click()
    expect(page.locator("#join-code")).to_contain_text("This is the new code")
    assert page.locator(".join-code-panel .join-code").inner_text() != old_code

    page.get_by_label("Students' names, one a line").fill("Amber Fox\nBlue Heron\n")
    page.get_by_role("button", name="Add students").click()
    credentials = page.locator(".credentials-table")
    expect(credentials).to_contain_text("Blue Heron")
    # Focus moves to the new logins, so a keyboard or screen-reader user lands on them.
    expect(page.locator(".credentials h3")).to_be_focused()
    expect(page.get_by_role("button", name="Print these logins")).to_be_visible()
    assert_accessible(page)
    expect(page.locator(".roster-table tbody tr")).to_have_count(2)

    page.get_by_role("button", name="New password for Amber Fox").click()
    expect(credentials).to_contain_text("Amber Fox")
    expect(credentials).not_to_contain_text("Blue Heron")

    page.get_by_role("button", name="Remove Blue Heron").click()
    expect(page.locator("#roster [role=status]")).to_contain_text("Blue Heron is no longer in this class")
    expect(page.locator("#roster [role=status]")).to_be_focused()
    expect(page.locator(".roster-table tbody tr")).to_have_count(1)
    assert page.evaluate("window.stillHere") is True

    page.get_by_role("link", name="Printable join sheet").click()
    classroom.refresh_from_db()
    expect(page.locator(".join-sheet .join-code")).to_have_text(classroom.grouped_join_code)
    assert_accessible(page)


def test_student_with_an_account_joins_a_second_class(page, live_server, loaded, make_user):
    teacher = make_user("teacher", role="teacher")
    first = create_classroom(teacher=teacher, name="Form 1")
    second = create_classroom(teacher=teacher, name="Form 2")
    student = make_user("kit", password="purple-kettle-sky")
    first.students.add(student)
    log_in(page, live_server, "kit", "purple-kettle-sky")
    page.get_by_role("link", name="Join another class with a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join another class")
    assert_accessible(page)
    page.get_by_label("Class code").fill(second.grouped_join_code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You joined Form 2")
    assert second.students.filter(pk=student.pk).exists()
