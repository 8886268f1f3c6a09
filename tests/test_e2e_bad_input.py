"""In Chromium: a refused form (status 400) still shows what to fix, where htmx swaps it in."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from teaching.models import User
from tests.world import PASSWORD, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash quickly (the live server shares these settings): keeps the test well under 20 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_refused_list_of_students_shows_its_errors_in_the_roster(page, live_server):
    world = build_world()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(world.owner.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + reverse("classroom_detail", args=[world.classroom.pk]))
    students = User.objects.filter(role=User.Role.STUDENT).count()

    names = page.get_by_label("Students' names, one a line")
    names.fill("Amber Fox\n" + "A name far too long to fit on a printed login slip")
    with page.expect_response(f"**{reverse('students_add', args=[world.classroom.pk])}") as added:
        page.get_by_role("button", name="Add students").click()

    assert added.value.status == 400
    expect(page.locator("#roster .errorlist")).to_contain_text("Names can be at most 40 characters")
    expect(names).to_have_value("Amber Fox\nA name far too long to fit on a printed login slip")
    assert User.objects.filter(role=User.Role.STUDENT).count() == students
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
