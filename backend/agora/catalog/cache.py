"""Public catalog response cache: versioned keys, so one bump invalidates every cached page.

Every write that can change what the public catalog shows (product, variant price/stock,
vendor status, category) calls ``invalidate_public_catalog()`` on commit. Stock taken or put
back by orders is narrower: it changes the bought products' detail pages (``stock_available``)
and only touches listings when a product's ``in_stock`` or ``price_min`` flips, so it calls
``invalidate_product_details()`` and bumps the whole catalog only then — otherwise every sale
would empty the cache of a busy shop. Cache failures are misses (the cache swallows Redis
errors), so reads fall back to the database.
"""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "catalog:version"


def _fresh() -> int:
    """A starting value no earlier one can equal, for a key that vanished (eviction, a Redis
    restart): entries cached under an older value must never be read again."""
    return time.time_ns()


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh(), timeout=None)
        version = cache.get(VERSION_KEY) or 0
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # key missing (expired, evicted or cache restarted)
        cache.add(VERSION_KEY, _fresh(), timeout=None)


def invalidate_public_catalog() -> None:
    """Bumps the version after the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(_bump)


def _detail_key(slug: str) -> str:
    return f"catalog:product-version:{slug}"


def product_detail_version(slug: str) -> str:
    """The catalog version plus the product's own stamp, in one round trip."""
    key = _detail_key(slug)
    got = cache.get_many([VERSION_KEY, key])
    if VERSION_KEY not in got:
        got[VERSION_KEY] = catalog_version()
    if key not in got:
        cache.add(key, _fresh(), timeout=None)
        got[key] = cache.get(key) or 0
    return f"{got[VERSION_KEY]}.{got[key]}"


def invalidate_product_details(slugs) -> None:
    """New stamps for these products' detail pages after the surrounding transaction commits."""
    slugs = list(slugs)
    if slugs:
        transaction.on_commit(lambda: cache.set_many({_detail_key(s): _fresh() for s in slugs}, timeout=None))
