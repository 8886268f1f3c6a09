"""The site's chrome, rendered once per language and kind of user and filled in per request."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.headers import csp_directives
from tests.world import PASSWORD

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def signed_in(user, **options):
    client = Client(**options)
    client.force_login(user)
    return client


def page(client):
    # A page every signed-in user has, whatever their role.
    return client.get(reverse("password_change")).content.decode()


def shown_name(html):
    return re.search(r'<span class="who">(.*?)</span>', html).group(1)


def test_each_user_sees_their_own_name_after_another_of_their_kind(world):
    world.other_student.display_name = "<b>Bea</b> & co"
    world.other_student.save()
    assert shown_name(page(signed_in(world.student))) == "Student-A"
    assert shown_name(page(signed_in(world.other_student))) == "&lt;b&gt;Bea&lt;/b&gt; &amp; co"


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("student", ["My assignments"], ["Lessons", "Admin"]),
        ("owner", ["Classes", "Lessons"], ["My assignments", "Admin"]),
        ("admin", ["Classes", "Lessons", "Admin"], ["My assignments"]),
    ],
)
def test_the_banner_offers_each_kind_of_user_their_own_links(world, role, shown, hidden):
    # Every kind renders after the others, so a rendering kept for one kind cannot leak into the next.
    for other in ("student", "owner", "admin"):
        page(signed_in(getattr(world, other)))
    nav = re.search(r'<ul class="nav-links">(.*?)</ul>', page(signed_in(getattr(world, role))), re.S).group(1)
    links = re.findall(r">([^<>]+)</a>", nav)
    assert all(name in links for name in shown)
    assert not any(name in links for name in hidden)


def test_an_anonymous_visitor_gets_no_account_links_after_a_signed_in_page(world):
    page(signed_in(world.student))
    html = Client().get(reverse("login")).content.decode()
    assert 'class="skip-link"' in html
    assert 'class="logout"' not in html and "Student-A" not in html


def test_the_logout_form_carries_the_token_the_page_was_served_with(world):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=world.student.username, password=PASSWORD)
    html = page(client)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert f'"X-CSRFToken": "{token}"' in html
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get(reverse("password_change")).status_code == 302  # Signed out: sent to log in.


def test_every_script_of_the_chrome_carries_this_responses_nonce(world):
    client = signed_in(world.student)
    nonces = set()
    for _ in range(2):
        response = client.get(reverse("password_change"))
        (nonce,) = [s for s in csp_directives(response)["script-src"] if s.startswith("'nonce-")]
        nonce = nonce.strip("'").removeprefix("nonce-")
        scripts = re.findall(r"<script[^>]*>", response.content.decode())
        assert len(scripts) >= 2  # htmx and lens.js at least.
        assert all(f'nonce="{nonce}"' in script for script in scripts)
        nonces.add(nonce)
    assert len(nonces) == 2
