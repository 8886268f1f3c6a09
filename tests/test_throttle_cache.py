"""The login throttle keeps its counts in whatever cache the settings configure (Redis when scaled out)."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from teaching.throttle import LOGIN


@pytest.fixture
def configured_redis(redis_cache_config):
    """Make a Redis cache the default, as ``REDIS_URL`` does."""
    with override_settings(CACHES={"default": redis_cache_config}):
        yield caches["default"]._cache.get_client(write=True), redis_cache_config["KEY_PREFIX"]
        caches["default"].close()


def test_login_failures_are_counted_in_the_configured_cache(configured_redis):
    client, prefix = configured_redis

    LOGIN.fail("amber")

    keys = [key.decode() for key in client.scan_iter(f"{prefix}:*")]
    assert len(keys) == 1 and ":throttle:login:failures:" in keys[0]


def test_the_lockout_is_read_back_from_the_configured_cache(configured_redis):
    client, prefix = configured_redis
    for _ in range(LOGIN.max_failures):
        LOGIN.fail("amber")
    assert LOGIN.lockout("amber") is not None

    # Lift it in Redis itself, as an admin on another server would: this process holds no copy.
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)

    assert LOGIN.lockout("amber") is None
