"""Security headers: strict CSP with a nonce, no framing, nosniff, Referrer-Policy, no-store signed in."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.headers import assert_security_headers, csp_directives

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_login_page_has_every_header(db):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert_security_headers(response, authenticated=False)


def test_a_teachers_page_is_never_stored(world):
    response = client_for(world.owner).get(reverse("classroom_list"))
    assert response.status_code == 200
    assert_security_headers(response, authenticated=True)


def test_a_students_page_is_never_stored(world):
    response = client_for(world.student).get(reverse("student_home"))
    assert response.status_code == 200
    assert_security_headers(response, authenticated=True)


def test_each_page_gets_a_fresh_nonce_that_its_scripts_carry(world):
    client = client_for(world.student)
    first, second = (client.get(reverse("student_home")) for _ in range(2))
    nonce = [s for s in csp_directives(first)["script-src"] if s.startswith("'nonce-")]
    assert nonce and nonce != [s for s in csp_directives(second)["script-src"] if s.startswith("'nonce-")]
    assert nonce[0].strip("'").removeprefix("nonce-") in first.content.decode()


def test_the_policy_allows_only_this_site(db):
    directives = csp_directives(Client().get(reverse("login")))
    assert directives["default-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


def test_framing_is_refused_by_the_old_header_too(db):
    assert Client().get(reverse("login"))["X-Frame-Options"] == "DENY"


def test_a_404_for_a_signed_in_user_carries_the_headers(world):
    response = client_for(world.other_teacher).get(reverse("classroom_detail", args=[world.classroom.pk]))
    assert response.status_code == 404
    assert_security_headers(response, authenticated=True)


def test_downloads_are_never_stored_and_never_sniffed(world):
    for name in ("classroom_export_json", "classroom_export_csv"):
        response = client_for(world.owner).get(reverse(name, args=[world.classroom.pk]))
        assert_security_headers(response, authenticated=True)


def test_pages_vary_on_htmx_so_a_cache_never_serves_a_fragment_as_a_page(world):
    response = client_for(world.student).get(reverse("student_home"))
    assert "HX-Request" in response["Vary"]


# The checker itself must catch what it is there to catch.

GOOD_POLICY = "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self'; frame-ancestors 'none'"


def page(html, policy=GOOD_POLICY, **headers):
    response = HttpResponse(html)
    response["Content-Security-Policy"] = policy
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name] = value
    return response


def test_checker_accepts_a_page_that_follows_the_rules():
    assert_security_headers(
        page('<html><script src="/s.js" nonce="abc"></script></html>'), authenticated=True, where="ok"
    )


@pytest.mark.parametrize(
    ("html", "policy", "message"),
    [
        ('<html><script nonce="abc">alert(1)</script></html>', GOOD_POLICY, "inline <script>"),
        ('<html><script src="/s.js"></script></html>', GOOD_POLICY, "without the page's nonce"),
        ('<html><p style="color:red">x</p></html>', GOOD_POLICY, "style= attributes"),
        ('<html><button onclick="go()">x</button></html>', GOOD_POLICY, "inline event handlers"),
        ("<html></html>", GOOD_POLICY.replace(" 'nonce-abc'", ""), "no nonce"),
        ("<html></html>", GOOD_POLICY.replace("'self';", "'self' 'unsafe-inline';", 1), "unsafe"),
        ("<html></html>", GOOD_POLICY.replace("'none'", "'self'"), "frame-ancestors"),
    ],
)
def test_checker_rejects_pages_that_break_the_policy(html, policy, message):
    with pytest.raises(AssertionError, match=message):
        assert_security_headers(page(html, policy), authenticated=True, where="bad")


def test_checker_rejects_a_signed_in_page_that_may_be_stored():
    response = page("<html></html>", Cache_Control="private")
    response["Cache-Control"] = "private"
    with pytest.raises(AssertionError, match="no-store"):
        assert_security_headers(response, authenticated=True, where="bad")
