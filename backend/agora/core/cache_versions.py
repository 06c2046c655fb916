"""Version counters kept in the cache: answers cached under keys that embed a counter are all
invalidated by one increment. Cache failures read as a miss (the cache swallows Redis errors)."""

import time

from django.conf import settings
from django.core.cache import cache


def version_timeout() -> int:
    """Counters expire too (every cache key must: see CACHE_VERSION_TIMEOUT); a counter that
    expired restarts from ``fresh()``, which only costs one cold cache."""
    return settings.CACHE_VERSION_TIMEOUT


def fresh() -> int:
    """A starting value no earlier one can equal, for a counter that vanished (eviction, a Redis
    restart): entries cached under an older value must never be read again."""
    return time.time_ns()


def current(key: str) -> int:
    return current_many(key)[0]


def current_many(*keys: str) -> list[int]:
    """Several counters in one round trip (a hot path reads a few on every request)."""
    got = cache.get_many(list(keys))
    return [got.get(key) or _start(key) for key in keys]


def _start(key: str) -> int:
    cache.add(key, fresh(), timeout=version_timeout())  # a concurrent starter may win: read what was stored
    return cache.get(key) or 0


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # missing: any fresh value differs from the old ones
        cache.add(key, fresh(), timeout=version_timeout())
