"""Failure throttles: counting, lockout, cool-off, configuration, and Redis shared by app servers."""

import contextlib
import logging
import time
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from teaching import throttle
from teaching.models import Classroom, Enrollment, User
from teaching.throttle import JOIN, LOGIN, Lockout
from tests.test_settings import run_python

REAL_TIME = time.time


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextlib.contextmanager
def clock_moved(seconds):
    """Run the block as if ``seconds`` had passed (for the throttle and the local-memory cache alike)."""
    with mock.patch("time.time", lambda: REAL_TIME() + seconds):
        yield


def fail_times(throttle_, identity, n):
    return [throttle_.fail(identity) for _ in range(n)]


def test_four_failures_do_not_lock():
    assert fail_times(LOGIN, "amber", 4) == [None] * 4
    assert LOGIN.lockout("amber") is None
    assert LOGIN.failures("amber") == 4


def test_the_fifth_failure_locks_the_username_for_fifteen_minutes():
    *_, fifth = fail_times(LOGIN, "amber", 5)
    assert fifth == Lockout("login", 15 * 60)
    lockout = LOGIN.lockout("amber")
    assert lockout is not None and 14 * 60 < lockout.seconds <= 15 * 60
    assert lockout.minutes == 15


def test_a_lock_on_one_username_leaves_others_alone():
    fail_times(LOGIN, "amber", 5)
    assert LOGIN.lockout("blue") is None


def test_usernames_are_compared_without_case():
    fail_times(LOGIN, "Amber", 5)
    assert LOGIN.lockout("aMBER") is not None


def test_the_lock_lifts_after_the_cool_off():
    fail_times(LOGIN, "amber", 5)
    with clock_moved(14 * 60):
        assert LOGIN.lockout("amber").minutes == 1
    with clock_moved(15 * 60 + 1):
        assert LOGIN.lockout("amber") is None


def test_after_the_cool_off_the_count_starts_again():
    fail_times(LOGIN, "amber", 5)
    with clock_moved(15 * 60 + 1):
        assert fail_times(LOGIN, "amber", 4) == [None] * 4
        assert LOGIN.fail("amber") is not None


def test_failures_spread_over_more_than_the_window_do_not_add_up():
    fail_times(LOGIN, "amber", 4)
    with clock_moved(15 * 60 + 1):
        assert LOGIN.fail("amber") is None
        assert LOGIN.failures("amber") == 1


def test_reset_forgets_failures_and_lockout():
    fail_times(LOGIN, "amber", 5)
    LOGIN.reset("amber")
    assert LOGIN.lockout("amber") is None
    assert LOGIN.failures("amber") == 0


@override_settings(LENS_LOGIN_MAX_FAILURES=2, LENS_LOGIN_LOCKOUT_SECONDS=60)
def test_limit_and_lockout_come_from_settings():
    assert LOGIN.fail("amber") is None
    assert LOGIN.fail("amber") == Lockout("login", 60)
    with clock_moved(61):
        assert LOGIN.lockout("amber") is None


def test_login_and_join_throttles_count_separately():
    fail_times(JOIN, "user:1", 5)
    assert JOIN.lockout("user:1") is not None
    assert LOGIN.lockout("user:1") is None


def test_cache_keys_do_not_contain_what_was_typed():
    LOGIN.fail("my-Secret-password")
    keys = list(caches["default"]._cache)
    assert keys and not any("Secret" in key for key in keys)


@pytest.mark.parametrize(
    ("seconds", "minutes", "text"),
    [
        (900, 15, "Try again in 15 minutes."),
        (61, 2, "Try again in 2 minutes."),
        (30, 1, "Try again in 1 minute."),
    ],
)
def test_lockout_message_rounds_up_to_whole_minutes(seconds, minutes, text):
    lockout = Lockout("login", seconds)
    assert lockout.minutes == minutes
    assert lockout.message.endswith(text)


def test_join_lockout_message_talks_about_class_codes():
    assert "wrong class codes" in Lockout("join", 600).message


# Shared across app servers ---------------------------------------------------


@pytest.fixture
def redis_servers(redis_cache_config):
    """Two cache connections to one Redis, as two app servers behind a load balancer have."""
    config = redis_cache_config
    with override_settings(CACHES={"default": config, "server_a": config, "server_b": config}):
        yield caches["server_a"], caches["server_b"]
        for name in ("server_a", "server_b"):
            caches[name].close()


def test_failures_counted_on_two_app_servers_add_up_in_redis(redis_servers):
    server_a, server_b = redis_servers
    with mock.patch.object(throttle, "cache", server_a):
        fail_times(LOGIN, "amber", 3)
    with mock.patch.object(throttle, "cache", server_b):
        assert fail_times(LOGIN, "amber", 2)[-1] is not None
    with mock.patch.object(throttle, "cache", server_a):
        assert LOGIN.lockout("amber") is not None


def test_a_redis_lockout_is_stored_with_an_expiry(redis_servers):
    server_a, _ = redis_servers
    with override_settings(LENS_LOGIN_MAX_FAILURES=1, LENS_LOGIN_LOCKOUT_SECONDS=60):
        with mock.patch.object(throttle, "cache", server_a):
            LOGIN.fail("amber")
            ttl = server_a._cache.get_client().ttl(
                server_a.make_and_validate_key(LOGIN._key("amber", "locked"))
            )
    assert 0 < ttl <= 60


def test_settings_use_redis_when_redis_url_is_set():
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    result = run_python(
        "-c", probe, REDIS_URL="redis://127.0.0.1:6379/15", DJANGO_SETTINGS_MODULE="teaching.settings"
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr


# Class codes -----------------------------------------------------------------


@pytest.fixture
def post_request():
    def make(user=None):
        request = RequestFactory().post("/join/")
        request.user = user or AnonymousUser()
        request.session = SessionStore()
        return request

    return make


def test_a_signed_in_student_is_counted_by_account(post_request, student):
    assert throttle.join_identity(post_request(student)) == f"user:{student.pk}"


def test_an_anonymous_visitor_is_counted_by_a_session_that_gets_a_cookie(db, post_request):
    request = post_request()
    identity = throttle.join_identity(request)
    assert identity == f"session:{request.session.session_key}"
    # Modified, so the session middleware sends the cookie and the next guess counts here too.
    assert request.session.modified
    assert throttle.join_identity(request) == identity


def test_five_wrong_codes_lock_the_student_out_of_joining(post_request, student):
    request = post_request(student)
    results = [throttle.join_failed(request) for _ in range(5)]
    assert results[:4] == [None] * 4 and results[4] is not None
    assert throttle.join_lockout(request).scope == "join"


def test_a_successful_join_clears_the_count(post_request, student):
    request = post_request(student)
    for _ in range(4):
        throttle.join_failed(request)
    throttle.join_succeeded(request)
    assert JOIN.failures(f"user:{student.pk}") == 0


def test_wrong_codes_and_lockouts_are_logged_without_the_code(post_request, student, caplog):
    caplog.set_level(logging.INFO, logger="lens.security")
    request = post_request(student)
    for _ in range(5):
        throttle.join_failed(request)
    throttle.join_lockout(request)
    events = [r.getMessage().split()[0] for r in caplog.records if r.name == "lens.security"]
    assert events == ["event=join.failure"] * 5 + ["event=join.locked", "event=join.refused"]


# The join page uses the class-code throttle ------------------------------------


@pytest.fixture
def classroom(teacher):
    return Classroom.objects.create(teacher=teacher, name="Year 10")


SIGNUP = {"display_name": "Amber Fox", "password1": "a-New-passw0rd!", "password2": "a-New-passw0rd!"}


def join(client, code, **data):
    return client.post(reverse("student_join"), {"code": code, **data})


def test_a_signed_in_student_is_locked_out_of_joining_after_five_wrong_codes(student, classroom):
    client = Client()
    client.force_login(student)
    responses = [join(client, "0000000000") for _ in range(5)]
    assert "Too many wrong class codes" not in responses[3].content.decode()
    assert "Too many wrong class codes" in responses[4].content.decode()
    refused = join(client, classroom.join_code)
    assert "Too many wrong class codes" in refused.content.decode()
    assert not classroom.students.filter(pk=student.pk).exists()


def test_a_new_student_signing_up_is_locked_out_by_their_session(classroom):
    client = Client()
    for _ in range(5):
        join(client, "0000000000", **SIGNUP)
    response = join(client, classroom.join_code, **SIGNUP)
    assert "Too many wrong class codes" in response.content.decode()
    assert not User.objects.filter(display_name="Amber Fox").exists()


def test_a_display_name_already_taken_is_not_counted_as_a_guess(classroom, make_user):
    Enrollment.objects.create(classroom=classroom, student=make_user("amber", display_name="Amber Fox"))
    client = Client()
    for _ in range(5):
        assert "already uses the name" in join(client, classroom.join_code, **SIGNUP).content.decode()
    response = join(client, classroom.join_code, **{**SIGNUP, "display_name": "Amber Fox 2"})
    assert response.status_code == 302
