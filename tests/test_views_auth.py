"""Logging in and out: the throttled login page, session rotation and end, and the idle timeout."""

import contextlib
import datetime
import time
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from teaching.middleware import LAST_SEEN_KEY

PASSWORD = "correct-horse-battery"
REAL_TIME = time.time
REAL_NOW = timezone.now


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Dozens of logins here; the production hasher's cost is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def fail(client, username, times):
    return [login(client, username, password="wrong-password") for _ in range(times)]


@contextlib.contextmanager
def clock_moved(**delta):
    """Run the block as if the time ``delta`` had passed, for sessions, caches and throttles."""
    shift = datetime.timedelta(**delta)
    with (
        mock.patch("django.utils.timezone.now", lambda: REAL_NOW() + shift),
        mock.patch("time.time", lambda: REAL_TIME() + shift.total_seconds()),
    ):
        yield


def signed_in(client):
    """Return whether ``client``'s session is signed in (a teacher page answers, not a login redirect)."""
    response = client.get(reverse("home"))
    return response.status_code == 302 and not response.url.startswith(reverse("login"))


# The throttled login page ----------------------------------------------------


def test_correct_password_logs_in(student):
    client = Client()
    response = login(client, "student")
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in(client)


def test_a_wrong_password_shows_the_usual_error(student):
    response = login(Client(), "student", password="nope")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_fifth_failure_locks_the_username_with_a_clear_message_and_status_429(student):
    client = Client()
    responses = fail(client, "student", 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "Try again in 15 minutes" in responses[-1].content.decode()


def test_a_locked_username_is_refused_even_with_the_right_password(student):
    fail(Client(), "student", 5)
    client = Client()
    response = login(client, "student")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert not signed_in(client)


def test_the_lock_is_per_username_not_per_computer(student, make_user):
    make_user("classmate")
    client = Client()  # One school, one address, one shared computer.
    fail(client, "student", 5)
    assert login(client, "classmate").status_code == 302


def test_the_right_password_works_again_after_the_cool_off(student):
    fail(Client(), "student", 5)
    with clock_moved(minutes=15, seconds=1):
        client = Client()
        assert login(client, "student").status_code == 302


def test_a_successful_login_clears_earlier_failures(student):
    fail(Client(), "student", 4)
    assert login(Client(), "student").status_code == 302
    assert [r.status_code for r in fail(Client(), "student", 4)] == [200] * 4


def test_unknown_usernames_are_locked_the_same_way(db):
    # The same answers for a name that exists and one that does not: no way to find out usernames.
    assert [r.status_code for r in fail(Client(), "nobody", 5)][-1] == 429


def test_failures_on_the_admin_login_count_towards_the_same_lock(make_user):
    make_user("admin", role="teacher", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "admin", "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD})
    assert "Too many failed attempts" in response.content.decode()
    assert login(Client(), "admin").status_code == 429


def test_login_ignores_a_next_address_on_another_site(student):
    response = login(Client(), "student", next="https://evil.example/phish")
    assert response.url == reverse("home")


# Sessions --------------------------------------------------------------------


def test_the_session_key_changes_at_login(student):
    client = Client()
    client.session["cart"] = "anything"  # An anonymous session that a fixation attack would plant.
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    login(client, "student")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_logout_is_post_only(student):
    client = Client()
    client.force_login(student)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in(client)


def test_after_logout_the_old_session_key_no_longer_authenticates(student):
    client = Client()
    login(client, "student")
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert not signed_in(replay)


def test_the_session_cookie_dies_with_the_browser(student):
    client = Client()
    response = login(client, "student")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.fixture
def student_client(student):
    client = Client()
    login(client, "student")
    return client


def test_a_session_idle_for_longer_than_the_timeout_ends(student_client):
    with clock_moved(seconds=settings.SESSION_COOKIE_AGE + 61):
        assert not signed_in(student_client)


def test_activity_keeps_the_session_alive_beyond_the_timeout(student_client):
    age = settings.SESSION_COOKIE_AGE
    for minutes_later in (50, 100, 150):  # Busy for 2.5 hours, never idle for one.
        with clock_moved(seconds=age * minutes_later // 60):
            assert signed_in(student_client), minutes_later


def test_the_idle_timeout_writes_the_session_at_most_once_a_minute(student_client):
    with mock.patch.object(SessionStore, "save", autospec=True, side_effect=SessionStore.save) as save:
        with clock_moved(seconds=2):
            signed_in(student_client)
        first = save.call_count
        with clock_moved(seconds=30):
            signed_in(student_client)
            signed_in(student_client)
        assert save.call_count == first
        with clock_moved(seconds=2 + 61):
            signed_in(student_client)
        assert save.call_count == first + 1


def test_the_refresh_keeps_the_cookie_a_browser_session_cookie(student_client):
    with clock_moved(minutes=5):
        response = student_client.get(reverse("home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and cookie["max-age"] == "" and cookie["expires"] == ""


def test_a_session_store_that_returns_a_stale_session_is_overruled(student_client, caplog):
    # Cookie-based stores only check the cookie's age; the middleware checks the last request.
    session = student_client.session
    session[LAST_SEEN_KEY] = int(REAL_TIME()) - settings.SESSION_COOKIE_AGE - 5
    session.save()
    assert not signed_in(student_client)
    assert any("event=session.expired" in r.getMessage() for r in caplog.records)
