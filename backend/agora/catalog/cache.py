"""Public catalog response cache: versioned keys, so one bump invalidates every cached page.

Every write that can change what the public catalog shows (product, variant price/stock,
vendor status, category) calls ``invalidate_public_catalog()`` on commit. Cache failures are
misses (the cache swallows Redis errors), so reads fall back to the database.
"""

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "catalog:version"


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 0
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # key missing (expired, evicted or cache restarted)
        cache.add(VERSION_KEY, 2, timeout=None)


def invalidate_public_catalog() -> None:
    """Bumps the version after the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(_bump)
