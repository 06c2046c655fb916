"""Version counters kept in the cache: answers cached under keys that embed a counter are all
invalidated by one increment. Cache failures read as a miss (the cache swallows Redis errors)."""

import time
from collections.abc import Sequence
from typing import Any

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
    value = fresh()
    if cache.add(key, value, timeout=version_timeout()):
        return value
    return cache.get(key) or 0  # a concurrent starter won: read what it stored


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # missing: any fresh value differs from the old ones
        cache.add(key, fresh(), timeout=version_timeout())


def stamped_get(counter_keys: Sequence[str], key: str) -> tuple[tuple[int, ...], Any]:
    """The counters ``counter_keys`` and the value stored at ``key`` by ``stamped_set``, in one
    round trip; the value is None unless it was stored under the same counters (a bump since
    makes it a miss). Keys need not carry the counters, so a cached answer costs one read, not
    a read of the counters and then one of a key built from them (bench/README.md, issue #18);
    a newer answer overwrites the older one in place."""
    counters, entry = read_with(counter_keys, key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == counters:
        return counters, entry[1]
    return counters, None


def read_with(counter_keys: Sequence[str], key: str) -> tuple[tuple[int, ...], Any]:
    """The counters and whatever is stored at ``key`` (None if nothing), in one round trip."""
    got = cache.get_many([*counter_keys, key])
    return tuple(got.get(name) or _start(name) for name in counter_keys), got.get(key)


def stamped_set(counters: tuple[int, ...], key: str, value: Any, *, timeout: int) -> None:
    """Stores ``value`` at ``key`` for the counters read before it was built (stamped_get)."""
    cache.set(key, (counters, value), timeout=timeout)
