"""With REDIS_URL set, rate limits and sessions live in Redis, shared by every app server."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches

from hipclinic.ratelimit import over_limit

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=2).close()
    except OSError:
        pytest.fail("These tests need Redis on 127.0.0.1:6379 (it runs on the CI machines).")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    yield caches["default"]
    caches["default"].clear()


def test_rate_limits_count_in_redis(redis_cache):
    identity = uuid.uuid4().hex

    results = [over_limit("patient-link", identity, "3/m") for _ in range(4)]

    assert results == [False, False, False, True]


def test_redis_url_switches_the_cache_and_sessions_to_redis():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND']); print(settings.SESSION_ENGINE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "hipclinic.settings", "REDIS_URL": REDIS},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cache",
    ]
