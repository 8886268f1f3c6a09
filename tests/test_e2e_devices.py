"""In Chromium: a student marks devices by mouse, shortcut and keyboard alone, then reads the feedback."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from teaching.marks import words_in
from teaching.models import Article, Assignment, Classroom, Enrollment, Lesson, Mark, Segment
from tests.conftest import SEED_SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"

# Select body[start:end] (code points) in the article's runs, as a drag would; or, with
# measure, return the screen points just inside its first and last letters.
SELECT_SPAN = """
([start, end, measure]) => {
  const point = (offset) => {
    const runs = [...document.querySelectorAll("#devices-article [data-start]")];
    const run = runs.findLast((r) => Number(r.dataset.start) <= offset);
    const node = run.firstChild;
    const before = Array.from(node.data).slice(0, offset - Number(run.dataset.start)).join("");
    return [node, before.length];
  };
  const range = document.createRange();
  range.setStart(...point(start));
  range.setEnd(...point(end));
  if (!measure) {
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return null;
  }
  range.startContainer.parentElement.scrollIntoView({ block: "center" });
  const edge = (node, offset) => {
    const letter = document.createRange();
    letter.setStart(node, offset);
    letter.setEnd(node, offset + 1);
    return letter.getBoundingClientRect();
  };
  const a = edge(range.startContainer, range.startOffset);
  const b = edge(range.endContainer, range.endOffset - 1);
  return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
}
"""


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash quickly (the live server shares these settings): keeps the test well under 20 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def assignment(db, make_user):
    call_command("loaddata", "techniques", f"lesson-{SEED_SLUG}", verbosity=0)
    teacher = make_user("teacher", role="teacher", password=PASSWORD)
    student = make_user("kestrel", password=PASSWORD, display_name="Kestrel")
    classroom = Classroom.objects.create(teacher=teacher, name="Year 10 Media")
    Enrollment.objects.create(classroom=classroom, student=student)
    now = timezone.now()
    return Assignment.objects.create(
        classroom=classroom,
        lesson=Lesson.objects.get(slug=SEED_SLUG),
        opens_at=now - datetime.timedelta(hours=1),
        due_at=now + datetime.timedelta(days=3),
    )


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def log_in(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("kestrel")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def marks_listed(page):
    return page.locator("#your-marks .dv-mark")


def lose_the_response(route):
    route.fetch()  # The server gets the request and saves the mark...
    route.abort("connectionreset")  # ...but the browser never hears back.


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def mark_by_mouse(page, device):
    x1, y1, x2, y2 = page.evaluate(SELECT_SPAN, [device.start, device.end, True])
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move(x2, y2, steps=5)
    page.mouse.up()
    expect(page.locator("#dv-pending-text")).to_have_text(device.text)
    page.locator(".dv-apply", has_text=device.technique.name).click()


def mark_by_shortcut(page, device):
    page.evaluate(SELECT_SPAN, [device.start, device.end, False])
    expect(page.locator("#dv-pending-text")).to_have_text(device.text)
    page.keyboard.press(device.technique.shortcut)


def choose_devices(lesson, body):
    """Return four key devices with shortcuts, apart from one another; the last one is whole words."""
    chosen = []
    for device in lesson.key_devices.select_related("technique").order_by("position"):
        apart = all(device.end <= other.start or other.end <= device.start for other in chosen)
        if apart and device.technique.shortcut:
            chosen.append(device)
    last = next(d for d in chosen[3:] if (d.start, d.end) in word_spans(lesson, body, d))
    return [*chosen[:3], last]


def word_spans(lesson, body, device):
    segment = lesson.segments.get(start__lte=device.start, end__gt=device.start)
    words = words_in(body, segment.start, segment.end)
    return {(a[0], b[1]) for i, a in enumerate(words) for b in words[i:]}


def mark_by_keyboard(page, body, device):
    """Mark ``device`` through the sentence → words → technique path, by keyboard alone."""
    segment = device.lesson.segments.get(start__lte=device.start, end__gt=device.start)
    words = words_in(body, segment.start, segment.end)
    first = next(i for i, (start, _) in enumerate(words) if start == device.start)
    last = next(i for i, (_, end) in enumerate(words) if end == device.end)
    page.locator(".dv-alt a").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#dv-sentence")).to_be_focused()
    page.locator("#dv-sentence").select_option(str(segment.position))  # A native select, driven by keys.
    expect(page.locator("#dv-first-word")).to_be_visible()  # htmx brought the sentence's words.
    for select, value in [("first-word", first), ("last-word", last)]:
        page.keyboard.press("Tab")
        if select == "first-word":
            page.keyboard.press("Tab")  # Past the "Show its words" button.
        expect(page.locator(f"#dv-{select}")).to_be_focused()
        page.locator(f"#dv-{select}").select_option(str(value))
    page.keyboard.press("Tab")
    page.locator("#dv-word-technique").select_option(device.technique.slug)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add this mark")).to_be_focused()
    page.keyboard.press("Enter")


def test_student_marks_undoes_submits_and_reads_the_feedback(page, live_server, assignment):
    lesson = assignment.lesson
    body = lesson.article.body
    by_mouse, first_key, second_key, by_keyboard = choose_devices(lesson, body)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/work/{assignment.pk}/devices/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spot the devices")
    assert_accessible(page)

    mark_by_mouse(page, by_mouse)
    expect(marks_listed(page)).to_have_count(1)
    # The response to this save is lost on the way back: the page says so, and a retry
    # finds the mark the server already stored instead of adding a second one.
    page.route("**/marks/", lose_the_response)
    mark_by_shortcut(page, first_key)
    expect(page.locator("#dv-status")).to_contain_text("Not saved — retry.")
    page.unroute("**/marks/")
    page.get_by_role("button", name="Retry").click()
    expect(page.locator("#dv-status")).to_contain_text("Already saved")
    expect(marks_listed(page)).to_have_count(2)
    assert Mark.objects.count() == 2
    mark_by_shortcut(page, second_key)
    expect(marks_listed(page)).to_have_count(3)
    mark_by_keyboard(page, body, by_keyboard)
    expect(marks_listed(page)).to_have_count(4)
    expect(page.locator("#dv-status")).to_contain_text(f"as {by_keyboard.technique.name}")
    chosen = [by_mouse, first_key, second_key, by_keyboard]
    stored = {(m.start, m.end, m.technique_id) for m in Mark.objects.all()}
    assert stored == {(d.start, d.end, d.technique_id) for d in chosen}

    # Remove one, then undo the removal: the same mark comes back.
    removed = page.locator(f'#your-marks .dv-mark[data-start="{second_key.start}"]')
    client_id = removed.get_attribute("data-client-id")
    removed.get_by_role("button", name="Remove").click()
    expect(marks_listed(page)).to_have_count(3)
    expect(page.get_by_role("heading", name="Your marks")).to_be_focused()
    page.keyboard.press("Control+z")
    expect(marks_listed(page)).to_have_count(4)
    expect(page.locator("#dv-status")).to_have_text("Undone.")
    assert Mark.objects.filter(client_id=client_id).exists()

    page.reload()
    expect(marks_listed(page)).to_have_count(4)
    expect(page.locator("#devices-article sup.dv-code")).to_have_count(4)
    # A highlight opens its entry in "Your marks".
    page.locator(f'#devices-article mark[data-start="{by_mouse.start}"]').click()
    expect(page.locator(f'#your-marks .dv-mark[data-start="{by_mouse.start}"]')).to_be_focused()
    page.set_viewport_size({"width": 360, "height": 740})
    assert fits_the_screen(page)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="I'm done: submit my work…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit your work?")
    page.get_by_role("button", name="Yes, submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    page.get_by_role("link", name="Feedback: devices").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback: spot the devices")
    for device in chosen:
        expect(page.locator(f"#item-{device.position + 1}")).to_have_class("dv-item dv-item-found")
    segment = lesson.segments.get(start__lte=by_keyboard.start, end__gt=by_keyboard.start)
    item = page.locator(f"#item-{by_keyboard.position + 1}")
    expect(item.locator(".dv-voice")).to_contain_text(segment.speaker)
    expect(item).to_contain_text(by_keyboard.explanation)
    # The list links to the place in the text, and the badge there links back.
    item.locator(".dv-item-head a").click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#key-{by_keyboard.position + 1}")
    page.locator(f'a.dv-badge[href="#item-{by_keyboard.position + 1}"]').click()
    expect(item).to_be_focused()
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert fits_the_screen(page)
    assert_accessible(page)


def test_offsets_count_code_points_past_emoji(page, live_server, make_user):
    """JavaScript counts UTF-16 units; the server counts code points. Five emoji must not shift a mark."""
    call_command("loaddata", "techniques", verbosity=0)
    body = "🙂🙂🙂🙂🙂 Go team, go go go!\n\nFans cheered."
    lesson = Lesson.objects.create(slug="emoji", title="Emoji")
    Article.objects.create(
        lesson=lesson, title="Match day", outlet="Courier", published="2026-01-01", body=body
    )
    split = body.index("Fans")
    Segment.objects.create(lesson=lesson, position=0, start=0, end=split, voice="narration")
    Segment.objects.create(lesson=lesson, position=1, start=split, end=len(body), voice="narration")
    student = make_user("kestrel", password=PASSWORD)
    classroom = Classroom.objects.create(teacher=make_user("teacher", role="teacher"), name="Year 9")
    Enrollment.objects.create(classroom=classroom, student=student)
    assignment = Assignment.objects.create(
        classroom=classroom,
        lesson=lesson,
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    log_in(page, live_server)
    page.goto(f"{live_server.url}/work/{assignment.pk}/devices/")
    start = body.index("team")
    # Select by screen position, so the page's own offset arithmetic is what is tested.
    x1, y1, x2, y2 = page.evaluate(SELECT_SPAN, [start, start + len("team"), True])
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move(x2, y2, steps=3)
    page.mouse.up()
    expect(page.locator("#dv-pending-text")).to_have_text("team")
    page.keyboard.press("l")
    expect(page.locator("#dv-status")).to_have_text("Marked “team” as Loaded language.")
    expect(marks_listed(page)).to_have_count(1)
    mark = Mark.objects.get()
    assert (mark.start, mark.end, body[mark.start : mark.end]) == (start, start + 4, "team")
