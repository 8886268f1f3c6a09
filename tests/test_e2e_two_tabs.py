"""
In Chromium, two tabs of one student: neither silently undoes what the other saved.

A tab that missed a change is told "changed in another tab — reload"; the newer answer
or label stays. One tab changing its mind quickly is never refused.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from teaching.models import Mark, Technique, VoiceAnswer
from tests.world import PASSWORD

pytestmark = [
    pytest.mark.usefixtures("fast_password_hashing"),
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

CHANGED = "Changed in another tab — reload to see the latest answer."


@pytest.fixture
def tabs(page, live_server, world):
    """Return two tabs of one browser, logged in as the student through the login form."""
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(world.student.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page, page.context.new_page()


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def choose(tab, segment, voice):
    tab.locator(f"label[for='id_{segment.pk}-voice-{voice}']").click()


def test_a_voice_answer_changed_in_one_tab_is_not_undone_by_the_other(tabs, live_server, world):
    first, second = tabs
    segment = world.segments[1]
    url = live_server.url + reverse("voices", args=[world.assignment.pk])
    for tab in tabs:
        tab.goto(url)

    # The first tab answers, then changes its mind while the first save is still on its way:
    # htmx queues the second save, which then carries the revision the first one returned.
    save_url = reverse("voice_save", args=[world.assignment.pk, segment.pk])
    held = []
    first.route(f"**{save_url}", lambda route: held.append(route) if not held else route.continue_())
    choose(first, segment, "narration")
    expect(first.locator(f"#status-{segment.pk}")).to_contain_text("Saving")
    choose(first, segment, "direct")
    held[0].continue_()
    expect(first.locator(f"#status-{segment.pk}")).to_contain_text("Saved")
    expect(first.locator(f"#id_{segment.pk}-revision")).to_have_value("2")

    # The second tab never saw either answer.
    choose(second, segment, "paraphrase")
    status = second.locator(f"#status-{segment.pk}")
    expect(status).to_contain_text(CHANGED)
    assert_accessible(second)
    answer = VoiceAnswer.objects.get(attempt=world.attempt, segment=segment)
    assert (answer.voice, answer.revision) == ("direct", 2)

    # Reloaded, it shows the newer answer, and a change from there is saved.
    second.reload()
    expect(second.locator(f"#id_{segment.pk}-voice-direct")).to_be_checked()
    choose(second, segment, "paraphrase")
    expect(status).to_contain_text("Saved")
    answer.refresh_from_db()
    assert (answer.voice, answer.revision) == ("paraphrase", 3)


def test_a_mark_changed_in_one_tab_is_not_clobbered_by_the_other(tabs, live_server, world):
    first, second = tabs
    Technique.objects.create(
        slug="name-calling",
        name="Name calling",
        family=Technique.Family.ATTACK,
        definition="A label instead of a reason.",
        example="Only a fool would vote no.",
        colour="#ffb4ea",
        code="NC",
        shortcut="n",
    )
    url = live_server.url + reverse("devices", args=[world.assignment.pk])
    for tab in tabs:
        tab.goto(url)
    item = f"#mark-{world.mark.client_id}"

    # The first tab relabels the mark.
    first.locator(f"{item} select").select_option("name-calling")
    first.locator(f"{item}").get_by_role("button", name="Relabel").click()
    expect(first.locator("#dv-status")).to_contain_text("Relabelled")

    # The second tab, still showing the old label, tries to remove it: refused, and shown as it is now.
    second.locator(item).get_by_role("button", name="Remove").click()
    expect(second.locator("#dv-status")).to_contain_text("relabelled Name calling in another tab")
    expect(second.locator(f"{item} .dv-mark-name")).to_have_text("Name calling")
    assert Mark.objects.get(client_id=world.mark.client_id).technique.slug == "name-calling"

    # Now it knows the mark as it is, so removing goes through.
    second.locator(item).get_by_role("button", name="Remove").click()
    expect(second.locator("#dv-status")).to_contain_text("Removed")
    assert not Mark.objects.filter(client_id=world.mark.client_id).exists()

    # The first tab, which still lists the mark, removes it too: already done, and its list catches up.
    first.locator(item).get_by_role("button", name="Remove").click()
    expect(first.locator("#dv-status")).to_contain_text("That mark was already removed.")
    expect(first.locator(item)).to_have_count(0)
    assert_accessible(first)


SELECT_WORD = """
(word) => {
  const run = [...document.querySelectorAll("#devices-article [data-start]")]
    .find((element) => element.textContent.includes(word));
  const text = run.firstChild;
  const range = document.createRange();
  range.setStart(text, text.data.indexOf(word));
  range.setEnd(text, text.data.indexOf(word) + word.length);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
}
"""


def mark_word(tab, word):
    tab.evaluate(SELECT_WORD, word)
    expect(tab.locator("#dv-pending-text")).to_have_text(word)
    tab.keyboard.press("l")
    expect(tab.locator("#dv-status")).to_contain_text(f"Marked “{word}”")


def test_a_mark_added_in_one_tab_is_listed_in_the_other_after_its_next_save(tabs, live_server, world):
    first, second = tabs
    url = live_server.url + reverse("devices", args=[world.assignment.pk])
    for tab in tabs:
        tab.goto(url)
    listed = "#your-marks .dv-mark"
    expect(second.locator(listed)).to_have_count(1)

    mark_word(first, "meeting")
    expect(first.locator(listed)).to_have_count(2)

    # The second tab's save is answered with its own mark; the count names one it has never
    # seen, so it fetches the list again, and shows all three in text order.
    mark_word(second, "noon")
    expect(second.locator(listed)).to_have_count(3)
    expect(second.locator(f"{listed} .dv-mark-text")).to_have_text(["total disaster", "meeting", "noon"])
    expect(second.locator("#dv-count")).to_have_text("3 marks")
    expect(second.locator("#devices-article mark")).to_have_count(3)
    assert_accessible(second)
