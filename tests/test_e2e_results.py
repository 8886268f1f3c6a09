"""In Chromium, with the demo class: a teacher filters, sorts, exports, opens a student, sees work arrive."""

import csv
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from teaching.demo import DEMO_PASSWORD, create_demo
from teaching.models import Assignment, Attempt
from teaching.work import submit_attempt
from tests.conftest import FIXTURES, SEED_SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash quickly (the live server shares these settings): the demo makes 27 accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_assignment(db):
    call_command("loaddata", *FIXTURES, verbosity=0)
    classroom = create_demo()
    return Assignment.objects.select_related("classroom").get(classroom=classroom, lesson__slug=SEED_SLUG)


def assert_accessible(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def log_in_as_teacher(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def rows(page):
    return page.locator("#results-table tbody tr")


def column(page, index):
    return [text.strip() for text in rows(page).locator(f"> :nth-child({index})").all_inner_texts()]


def test_teacher_filters_sorts_exports_and_opens_a_student(page, live_server, demo_assignment, monkeypatch):
    # No refresh mid-test: this test is about what the teacher does (the next one is about polling).
    monkeypatch.setattr("teaching.views.results.POLL_SECONDS", 600)
    submitted = Attempt.objects.filter(assignment=demo_assignment, submitted_at__isnull=False).count()
    log_in_as_teacher(page, live_server)
    page.goto(live_server.url + reverse("assignment_results", args=[demo_assignment.pk]))
    expect(rows(page)).to_have_count(25)
    assert_accessible(page)

    # Typing a name narrows the table in place, and the address keeps the filter.
    page.get_by_label("Name").fill("heron")
    expect(rows(page)).to_have_count(1)
    expect(page).to_have_url(re.compile(r"name=heron"))
    expect(rows(page).first).to_contain_text("Blue Heron")
    page.get_by_label("Name").fill("")
    expect(rows(page)).to_have_count(25)

    page.get_by_label("Submitted", exact=True).check()
    expect(rows(page)).to_have_count(submitted)
    expect(page).to_have_url(re.compile(r"status=submitted"))

    # Sorting twice gives best first; the filter stays.
    page.get_by_role("link", name="Named F1").click()
    expect(page).to_have_url(re.compile(r"sort=named_f1"))
    page.get_by_role("link", name="Named F1").click()
    expect(page).to_have_url(re.compile(r"sort=-named_f1"))
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Named F1")
    expect(rows(page)).to_have_count(submitted)
    named = [int(value.rstrip("%")) for value in column(page, 6)]
    assert named == sorted(named, reverse=True)
    shown_names = column(page, 1)
    assert_accessible(page)

    # The CSV holds exactly what is shown, in the same order.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download CSV")).click()
    download = download_info.value
    assert download.suggested_filename.endswith("-results.csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        header, *csv_rows = list(csv.reader(file))
    assert header[0] == "Student" and header[5] == "Named F1"
    assert [row[0] for row in csv_rows] == shown_names
    assert [row[5] for row in csv_rows] == [f"{n}%" for n in named]

    # The best student's attempt opens read-only, laid over the key.
    rows(page).first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(shown_names[0])
    expect(page.get_by_role("heading", name="Devices in the text")).to_be_visible()
    assert_accessible(page)


def test_new_submissions_appear_without_reloading(page, live_server, demo_assignment, monkeypatch):
    # Poll every second instead of five: the same mechanism, a faster test.
    monkeypatch.setattr("teaching.views.results.POLL_SECONDS", 1)
    working = (
        Attempt.objects.filter(assignment=demo_assignment, submitted_at__isnull=True)
        .select_related("student")
        .first()
    )
    name = str(working.student)
    log_in_as_teacher(page, live_server)
    page.goto(live_server.url + reverse("assignment_results", args=[demo_assignment.pk]) + "?sort=-status")
    row = rows(page).filter(has=page.get_by_role("link", name=name, exact=True))
    expect(row.locator(".badge")).to_have_text("In progress")
    page.evaluate("window.notReloaded = true")

    submit_attempt(working)

    # The table polls by itself; the sort survives the refresh.
    expect(row.locator(".badge")).to_have_text("Submitted", timeout=10_000)
    assert page.evaluate("window.notReloaded") is True
    expect(page).to_have_url(re.compile(r"sort=-status"))

    # Slow the polling down again, so the audit does not race a refresh.
    monkeypatch.setattr("teaching.views.results.POLL_SECONDS", 600)
    page.get_by_role("link", name="Item analysis").click()
    expect(page.locator("#analysis-region")).to_have_attribute("hx-trigger", "every 600s")
    expect(page.get_by_role("heading", name="Where the class marked")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Class overview").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("overview")
    assert_accessible(page)
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
