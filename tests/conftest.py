"""Shared fixtures: the lesson fixtures, people in their roles, and a real Chromium."""

import os

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; the live server's
# ORM calls from that thread are safe here because each test owns its database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SEED_SLUG = "tass-lavrov-2025-11-13"
FIXTURES = ["techniques", "lesson-warm-up-skate-park", f"lesson-{SEED_SLUG}"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """
    Start each test with empty caches, so login and join-code throttles never carry over.

    The per-process lesson caches too: each test's database is rolled back, so the next
    test may create a different lesson under the same primary key and content version.
    """
    from django.core.cache import cache

    from teaching.lesson_cache import clear_all

    cache.clear()
    clear_all()


@pytest.fixture
def lessons(db):
    """Load the taxonomy and both lessons exactly as `make demo` does."""
    call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture
def seed_lesson(lessons):
    from teaching.models import Lesson

    return Lesson.objects.select_related("article").get(slug=SEED_SLUG)


@pytest.fixture
def fast_password_hashing(settings):
    """Hash passwords quickly (a live server shares these settings): logging in costs milliseconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Two teachers' classes, a student in each, with work (tests/world.py)."""
    from tests.world import build_world

    return build_world()


@pytest.fixture
def make_user(db):
    from teaching.models import User

    def make(username, *, role="student", password="correct-horse-battery", **extra):
        return User.objects.create_user(
            username,
            password=password,
            role=role,
            display_name=extra.pop("display_name", username.title()),
            **extra,
        )

    return make


@pytest.fixture
def teacher(make_user):
    return make_user("teacher", role="teacher")


@pytest.fixture
def other_teacher(make_user):
    return make_user("other-teacher", role="teacher")


@pytest.fixture
def student(make_user):
    return make_user("student")


@pytest.fixture(scope="session", autouse=True)
def patient_browser_assertions():
    """Give browser assertions ten seconds: CI's two cores also run the server and the database."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Run the system Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


REDIS_LOCATION = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache_config():
    """
    Return a Redis cache configuration under a key prefix of this test's own, and clean up after.

    CI starts Redis, so there a missing server fails the test; on a developer's
    machine without Redis the few tests that need it are skipped, saying why.
    """
    import uuid

    import redis

    try:
        redis.Redis.from_url(REDIS_LOCATION, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide Redis at {REDIS_LOCATION}")
        pytest.skip(f"no Redis at {REDIS_LOCATION}; CI runs this test")
    prefix = f"lens-test-{uuid.uuid4().hex}"
    yield {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_LOCATION,
        "KEY_PREFIX": prefix,
    }
    client = redis.Redis.from_url(REDIS_LOCATION)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
