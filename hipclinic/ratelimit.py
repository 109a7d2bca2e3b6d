"""A fixed-window request counter in Django's cache, for the patient-facing pages.

Small on purpose: django-ratelimit (4.1, 2023) refuses the local-memory cache we
use in development with a system-check error and does not know Django's own Redis
backend, which production uses (issue 7). ``cache.add`` then ``cache.incr`` is
atomic on both, so concurrent requests on several servers count correctly.
"""

import hashlib
import time

from django.core.cache import cache


def parse_rate(rate: str) -> tuple[int, int]:
    """'60/m' -> (60, 60): so many requests per second, minute, hour or day."""
    count, _, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[:1] or "m"]
    return int(count), seconds


def over_limit(scope: str, identity: str, rate: str) -> bool:
    """Count one request by ``identity`` in ``scope``; True once it passes ``rate``."""
    limit, window = parse_rate(rate)
    bucket = int(time.time() // window)
    # Identities (tokens, addresses) are hashed, so the cache never holds them as they are.
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{bucket}"
    if cache.add(key, 1, timeout=window + 1):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts a new window
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return count > limit
