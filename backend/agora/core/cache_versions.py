"""Version counters kept in the cache: answers cached under keys that embed a counter are all
invalidated by one increment. Cache failures read as a miss (the cache swallows Redis errors)."""

import time

from django.core.cache import cache


def fresh() -> int:
    """A starting value no earlier one can equal, for a counter that vanished (eviction, a Redis
    restart): entries cached under an older value must never be read again."""
    return time.time_ns()


def current(key: str) -> int:
    value = cache.get(key)
    if value is None:
        cache.add(key, fresh(), timeout=None)
        value = cache.get(key) or 0
    return value


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # missing: any fresh value differs from the old ones
        cache.add(key, fresh(), timeout=None)
