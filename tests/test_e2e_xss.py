"""
In Chromium, no text a user can set ever runs: every page that shows one, and every save that echoes it.

Names, class names, lesson texts, technique names and definitions, and crafted query
strings are all payloads (tests/hostile.py) that set ``window.__xss``, open a dialog,
or make a ``javascript:`` link if they escape their text. The browser context
bypasses the page's Content-Security-Policy: the CSP would block most of these
anyway, and this test is about the first wall, escaping, holding on its own.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tests.hostile import (
    ADMIN,
    ANONYMOUS,
    ATTRIBUTE,
    PAGES,
    PASSWORD,
    SCRIPT,
    STUDENT,
    TEACHER,
    URL,
    build_hostile_world,
)

pytestmark = [
    pytest.mark.usefixtures("fast_password_hashing"),
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(bypass_csp=True),
]

# Every attribute that could carry a javascript: URL to a click, whatever its element.
SCRIPT_URLS = """
() => {
  const names = ["href", "src", "action", "formaction", "hx-get", "hx-post"];
  return [...document.querySelectorAll(names.map((name) => `[${name}]`).join(", "))]
    .flatMap((element) => names.map((name) => element.getAttribute(name)))
    .filter((value) => value && /^\\s*javascript:/i.test(value));
}
"""


@pytest.fixture
def world(db):
    return build_hostile_world()


@pytest.fixture
def dialogs(page):
    """Collect every alert, confirm or prompt the page opens (a payload's favourite trick)."""
    opened = []

    def dismiss(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return opened


def assert_inert(page, dialogs, where):
    assert page.evaluate("window.__xss") is None, f"a payload ran on {where}"
    assert page.evaluate(SCRIPT_URLS) == [], f"a javascript: link on {where}"
    assert dialogs == [], f"a dialog opened on {where}: {dialogs}"


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def log_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def visit_every_page(page, live_server, dialogs, world, viewer):
    pages = [p for p in PAGES if p.viewer == viewer]
    assert pages
    for listed in pages:
        url = listed.url(world)
        response = page.goto(live_server.url + url)
        assert response.status == 200, f"{url}: {response.status}"
        assert_inert(page, dialogs, url)


def test_teacher_pages_and_adding_students_run_no_payload(page, live_server, world, dialogs):
    log_in(page, live_server, world.teacher.username)
    # The header names the teacher: the payload is on the page, as text.
    expect(page.locator(".who")).to_have_text(SCRIPT)

    visit_every_page(page, live_server, dialogs, world, TEACHER)

    # Adding students through the form: the roster comes back by htmx with their one-time logins.
    page.goto(live_server.url + reverse("classroom_detail", args=[world.classroom.pk]))
    page.get_by_label("Students' names, one a line").fill(f"{SCRIPT}2\n{ATTRIBUTE[:-1]}\n{URL}2")
    page.get_by_role("button", name="Add students").click()
    expect(page.locator("#roster")).to_contain_text(f"{URL}2")
    expect(page.locator("#roster")).to_contain_text(f"{SCRIPT}2")
    assert_inert(page, dialogs, "the roster after adding students")
    assert_accessible(page)


def test_student_pages_and_saves_run_no_payload(page, live_server, world, dialogs):
    log_in(page, live_server, world.student.username)
    expect(page.locator(".who")).to_have_text(ATTRIBUTE)

    visit_every_page(page, live_server, dialogs, world, STUDENT)

    # A voice answer saved by htmx, and a mark saved by devices.js: both swap fresh HTML in.
    page.goto(live_server.url + reverse("voices", args=[world.open.pk]))
    segment = world.open.lesson.segments.get(position=3)
    page.locator(f"label[for='id_{segment.pk}-voice-narration']").click()
    expect(page.locator(f"#status-{segment.pk}")).to_contain_text("Saved")
    assert_inert(page, dialogs, "the voices page after a save")
    assert_accessible(page)

    page.goto(live_server.url + reverse("devices", args=[world.open.pk]))
    page.evaluate(
        """() => {
          const run = [...document.querySelectorAll("#devices-article [data-start]")]
            .find((el) => el.textContent.includes("twice"));
          const text = run.firstChild;
          const range = document.createRange();
          range.setStart(text, text.data.indexOf("twice"));
          range.setEnd(text, text.data.indexOf("twice") + "twice".length);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
        }"""
    )
    page.keyboard.press(world.technique.shortcut)
    expect(page.locator("#dv-status")).to_contain_text("Marked")
    expect(page.locator("#your-marks")).to_contain_text(ATTRIBUTE)
    assert_inert(page, dialogs, "the devices page after marking")


def test_joining_logging_in_and_the_admin_run_no_payload(page, live_server, world, dialogs):
    visit_every_page(page, live_server, dialogs, world, ANONYMOUS)

    # A new student joins with a payload for a name, through the real form.
    page.goto(live_server.url + reverse("student_join"))
    page.get_by_label("Class code").fill(world.classroom.join_code)
    page.get_by_label("Your name in Lens").fill(f"{SCRIPT}!")
    page.get_by_label("Choose a password").fill("a-long-Passphrase-9")
    page.get_by_label("Type the password again").fill("a-long-Passphrase-9")
    page.get_by_role("button", name="Join class").click()
    expect(page.locator(".who")).to_have_text(f"{SCRIPT}!")
    assert_inert(page, dialogs, "the welcome page")
    page.get_by_role("button", name="Log out").click()

    # Logging in from a crafted link that asks to go on to a javascript: URL lands on a real page.
    page.goto(f"{live_server.url}{reverse('login')}?next={URL}")
    page.get_by_label("Username").fill(world.admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert page.url.startswith(live_server.url)
    assert_inert(page, dialogs, "the page after logging in")

    visit_every_page(page, live_server, dialogs, world, ADMIN)
