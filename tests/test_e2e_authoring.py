"""In Chromium: a teacher drafts, fixes, publishes and assigns a lesson from an article; a student does it."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from teaching.marks import words_in
from teaching.models import Assignment, Attempt, Classroom, Enrollment, Lesson
from tests.conftest import FIXTURES
from tests.test_authoring import ARTICLE_BODY, ARTICLE_TITLE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash quickly (the live server shares these settings): keeps the test well under 20 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def classroom(make_user):
    call_command("loaddata", *FIXTURES, verbosity=0)
    teacher = make_user("teacher", role="teacher", password=PASSWORD)
    student = make_user("kestrel", password=PASSWORD, display_name="Kestrel")
    classroom = Classroom.objects.create(teacher=teacher, name="Year 10 Media")
    Enrollment.objects.create(classroom=classroom, student=student)
    return classroom


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def assert_accessible(page):
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    page.set_viewport_size(LAPTOP)


def draft_the_article(page, live_server):
    page.goto(f"{live_server.url}{reverse('lesson_list')}")
    page.get_by_role("link", name="New lesson from an article").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New lesson from an article")
    assert_accessible(page)
    page.get_by_label("Headline").fill(ARTICLE_TITLE)
    page.get_by_label("Outlet").fill("Harbour Gazette")
    page.get_by_label("Published on").fill("2025-03-04")
    page.get_by_label("Language of the article").select_option("en")
    page.get_by_label("Article text").fill(ARTICLE_BODY)
    page.get_by_role("button", name="Draft the lesson").click()
    expect(page.get_by_text("Draft ready:")).to_be_visible()
    return Lesson.objects.get(status=Lesson.Status.DRAFT)


def accept_reckless_as_an_edited_suggestion(page, lesson):
    start = ARTICLE_BODY.index("reckless")
    suggestion = lesson.suggestions.get(start=start)
    card = page.locator(f"#suggestion-{suggestion.pk}")
    expect(card).to_contain_text("Why suggested:")
    expect(card).to_contain_text("Confidence:")
    card.get_by_role("link", name="Edit, then accept").click()
    expect(card.get_by_label("First word")).to_be_focused()  # htmx brought the form and the focus.
    assert_accessible(page)
    # Stretch it by one word ("reckless gamble"), name it differently, rewrite the explanation.
    last = card.get_by_label("Last word")
    expect(last.locator("option:checked")).to_contain_text("reckless")
    last.select_option(str(int(last.input_value()) + 1))
    expect(last.locator("option:checked")).to_contain_text("gamble")
    card.get_by_label("Technique").select_option("name-calling")
    card.get_by_label("Explanation").fill("“A reckless gamble” judges the vote before giving any facts.")
    card.get_by_role("button", name="Accept with these changes").click()
    device = page.locator("#au-devices .au-device")
    expect(device).to_have_count(1)
    expect(device).to_contain_text("“reckless gamble”")
    expect(page.locator("#au-notice")).to_be_focused()
    expect(page.locator(f"#suggestion-{suggestion.pk}")).to_have_count(0)


def test_teacher_drafts_fixes_publishes_and_assigns_a_lesson_and_a_student_does_both_activities(
    page, live_server, classroom
):
    log_in(page, live_server, "teacher")
    lesson = draft_the_article(page, live_server)
    assert lesson.status == Lesson.Status.DRAFT

    # The editor: drafted voices with their reasons, suggestions waiting.
    expect(page.get_by_role("heading", level=1)).to_contain_text(ARTICLE_TITLE)
    quoted = lesson.segments.get(start=ARTICLE_BODY.index('"Nobody'))
    expect(page.locator(f"#seg{quoted.position}-voice")).to_have_value("direct")
    expect(page.locator(f"#seg{quoted.position}-explanation")).to_have_value(quoted.explanation)

    # Fix a drafted speaker: the sentence saves itself on change, once htmx has wired the page up.
    page.wait_for_load_state("load")
    partial = lesson.segments.get(start=ARTICLE_BODY.index("Mayor"))
    speaker = page.locator(f"#seg{partial.position}-speaker")
    speaker.fill("Elena Ruiz")
    speaker.press("Tab")
    expect(page.locator(f"#seg{partial.position}-status")).to_contain_text("Saved")
    assert lesson.segments.get(pk=partial.pk).speaker == "Elena Ruiz"

    accept_reckless_as_an_edited_suggestion(page, lesson)
    assert_accessible(page)

    page.get_by_role("button", name="Publish the lesson").click()
    expect(page.get_by_text("is published")).to_be_visible()
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.PUBLISHED
    device = lesson.key_devices.get()
    assert (device.text, device.technique.slug) == ("reckless gamble", "name-calling")

    # Assign it through the class's own form.
    page.goto(f"{live_server.url}{reverse('assignment_create', args=[classroom.pk])}")
    page.get_by_label("Lesson").select_option(label=ARTICLE_TITLE)
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("is assigned to this class")).to_be_visible()
    assignment = Assignment.objects.get(classroom=classroom, lesson=lesson)
    assert assignment.opens_at <= timezone.now() + datetime.timedelta(minutes=1)
    page.get_by_role("button", name="Log out").click()

    # The student: one voices answer, one mark by the keyboard path, then submit.
    log_in(page, live_server, "kestrel")
    first = lesson.segments.get(position=0)
    page.goto(f"{live_server.url}{reverse('voices', args=[assignment.pk])}")
    page.locator(f"label[for='id_{first.pk}-voice-narration']").click()
    expect(page.locator(f"#status-{first.pk}")).to_contain_text("Saved")

    page.goto(f"{live_server.url}{reverse('devices', args=[assignment.pk])}")
    segment = lesson.segments.get(start__lte=device.start, end__gt=device.start)
    words = words_in(ARTICLE_BODY, segment.start, segment.end)
    first_word = next(i for i, (start, _) in enumerate(words) if start == device.start)
    last_word = next(i for i, (_, end) in enumerate(words) if end == device.end)
    page.locator("#dv-sentence").select_option(str(segment.position))
    expect(page.locator("#dv-first-word")).to_be_visible()
    page.locator("#dv-first-word").select_option(str(first_word))
    page.locator("#dv-last-word").select_option(str(last_word))
    page.locator("#dv-word-technique").select_option("name-calling")
    page.get_by_role("button", name="Add this mark").click()
    expect(page.locator("#your-marks .dv-mark")).to_have_count(1)
    expect(page.locator("#your-marks .dv-mark")).to_contain_text("reckless gamble")

    page.goto(f"{live_server.url}{reverse('attempt_submit', args=[assignment.pk])}")
    page.get_by_role("button", name="Yes, submit").click()
    page.wait_for_url(f"**{reverse('assignment_overview', args=[assignment.pk])}")
    attempt = Attempt.objects.get(assignment=assignment)
    assert attempt.submitted_at is not None
    assert attempt.voice_answers.count() == 1 and attempt.marks.count() == 1
