"""The voices activity in a real Chromium: keyboard only, saved as chosen, survives a reload, feedback."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import FIXTURES, SEED_SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def assignment(make_user):
    from teaching.models import Assignment, Classroom, Enrollment, Lesson

    call_command("loaddata", *FIXTURES, verbosity=0)
    teacher = make_user("teacher", role="teacher")
    student = make_user("kestrel", password=PASSWORD)
    classroom = Classroom.objects.create(teacher=teacher, name="10A")
    Enrollment.objects.create(classroom=classroom, student=student)
    now = timezone.now()
    return Assignment.objects.create(
        classroom=classroom,
        lesson=Lesson.objects.get(slug=SEED_SLUG),
        opens_at=now - datetime.timedelta(hours=1),
        due_at=now + datetime.timedelta(days=7),
    )


def log_in(page, live_server, next_url):
    page.goto(f"{live_server.url}{reverse('login')}?next={next_url}")
    page.get_by_label("Username").fill("kestrel")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_url}")


def assert_accessible(page):
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    page.set_viewport_size(LAPTOP)


def tab_to(page, name):
    """Press Tab until the focus is in the radio group called ``name``; return the focused input."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == name:
            return page.locator(":focus")
    raise AssertionError(f"Tab never reached {name}")


def test_student_answers_with_the_keyboard_reloads_submits_and_sees_feedback(page, live_server, assignment):
    segments = list(assignment.lesson.segments.order_by("position")[:3])
    voices_url = reverse("voices", args=[assignment.pk])
    log_in(page, live_server, voices_url)

    # Tab reaches each sentence's group on its first choice; arrow keys choose, and htmx saves.
    # First sentence: ArrowLeft wraps round to "Narration".
    # Second: ArrowRight twice to "Paraphrase". Third: ArrowRight once to "Partial quote".
    choices = [(["ArrowLeft"], "narration"), (["ArrowRight"] * 2, "paraphrase"), (["ArrowRight"], "partial")]
    for segment, (keys, voice) in zip(segments, choices, strict=True):
        tab_to(page, f"{segment.pk}-voice")
        for key in keys:
            page.keyboard.press(key)
        expect(page.locator(":focus")).to_have_attribute("value", voice)
        expect(page.locator(f"#status-{segment.pk}")).to_contain_text("Saved")
    expect(page.locator("#voice-progress")).to_contain_text("3 of 48 answered")
    # The third sentence quotes the minister: say whose words are in the quotes, with the keyboard too.
    quote_source = page.locator(f"#id_{segments[2].pk}-quote_source")
    page.keyboard.press("Tab")
    expect(quote_source).to_be_focused()
    save_url = reverse("voice_save", args=[assignment.pk, segments[2].pk])
    with page.expect_response(f"**{save_url}") as saved:
        page.keyboard.press("ArrowDown")
    assert saved.value.status == 200
    expect(quote_source).to_have_value("speaker")

    page.reload()
    expect(quote_source).to_have_value("speaker")
    for segment, (_, voice) in zip(segments, choices, strict=True):
        expect(page.locator(f"#id_{segment.pk}-voice-{voice}")).to_be_checked()
    expect(page.locator("#voice-progress")).to_contain_text("3 of 48 answered")

    page.goto(live_server.url + reverse("attempt_submit", args=[assignment.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit your work?")
    page.get_by_role("button", name="Yes, submit").click()
    page.wait_for_url(f"**{reverse('assignment_overview', args=[assignment.pk])}")

    page.goto(live_server.url + voices_url)
    expect(page.get_by_text("Your answers are locked.")).to_be_visible()
    expect(page.locator(f"#id_{segments[0].pk}-voice-narration")).to_be_disabled()

    page.get_by_role("link", name="See your feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback: whose words?")
    expect(page.locator(".score-line")).to_contain_text("of 48 points")
    expect(page.locator(f"#segment-{segments[0].pk}")).to_contain_text("1 point")
    expect(page.locator("table.confusion")).to_be_visible()


def test_activity_page_passes_axe_on_a_laptop_and_a_phone(page, live_server, assignment):
    segments = list(assignment.lesson.segments.order_by("position")[:2])
    log_in(page, live_server, reverse("voices", args=[assignment.pk]))
    # One answer saved, one that failed to save: both states are part of the page.
    page.locator(f"label[for='id_{segments[0].pk}-voice-narration']").click()
    expect(page.locator(f"#status-{segments[0].pk}")).to_contain_text("Saved")
    page.route("**/voices/*/", lambda route: route.abort())
    page.locator(f"label[for='id_{segments[1].pk}-voice-paraphrase']").click()
    expect(page.locator(f"#status-{segments[1].pk}")).to_contain_text("Not saved")

    assert_accessible(page)


def test_locked_activity_and_feedback_pages_pass_axe_on_a_laptop_and_a_phone(page, live_server, assignment):
    from teaching.models import Attempt, User, VoiceAnswer

    attempt = Attempt.objects.create(
        assignment=assignment, student=User.objects.get(username="kestrel"), submitted_at=timezone.now()
    )
    for segment, voice in zip(assignment.lesson.segments.all(), ["narration", "direct", "paraphrase"]):
        VoiceAnswer.objects.create(attempt=attempt, segment=segment, voice=voice)
    log_in(page, live_server, reverse("voices", args=[assignment.pk]))
    expect(page.get_by_text("Your answers are locked.")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + reverse("voices_feedback", args=[assignment.pk]))
    expect(page.locator(".score-line")).to_contain_text("3 of 48 answered")
    assert_accessible(page)


def test_a_failed_save_says_not_saved_and_retries_without_losing_the_choice(page, live_server, assignment):
    segment = assignment.lesson.segments.get(position=1)
    save_url = reverse("voice_save", args=[assignment.pk, segment.pk])
    log_in(page, live_server, reverse("voices", args=[assignment.pk]))

    page.route(f"**{save_url}", lambda route: route.abort("internetdisconnected"))
    page.locator(f"label[for='id_{segment.pk}-voice-paraphrase']").click()
    status = page.locator(f"#status-{segment.pk}")
    expect(status).to_contain_text("Not saved")
    expect(page.locator(f"#id_{segment.pk}-voice-paraphrase")).to_be_checked()

    page.unroute(f"**{save_url}")
    page.route(f"**{save_url}", lambda route: route.fulfill(status=502, body="Bad gateway"))
    status.get_by_role("button", name="Retry").click()
    expect(status).to_contain_text("Not saved")

    page.unroute(f"**{save_url}")
    status.get_by_role("button", name="Retry").press("Enter")
    expect(status).to_contain_text("Saved")
    expect(status).not_to_contain_text("Not saved")
    expect(page.locator(f"#segment-{segment.pk} fieldset")).not_to_have_class(re.compile("not-saved"))

    from teaching.models import VoiceAnswer

    assert list(VoiceAnswer.objects.values_list("segment_id", "voice")) == [(segment.pk, "paraphrase")]
