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

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from agora.core.cache_versions import bump, current, current_many, fresh, version_timeout

VERSION_KEY = "catalog:version"
# Seconds a list waits for another request's build of the per-filter counts before counting itself.
COUNT_BUILD_WAIT = 5


def catalog_version() -> int:
    return current(VERSION_KEY)


def _bump() -> None:
    bump(VERSION_KEY)


def invalidate_public_catalog() -> None:
    """Bumps the version after the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(_bump)


def _detail_key(slug: str) -> str:
    return f"catalog:product-version:{slug}"


def product_detail_counters(slug: str) -> tuple[str, str]:
    """The counters a product page's cached answer is stamped with: the catalog's and its own."""
    return VERSION_KEY, _detail_key(slug)


def product_detail_version(slug: str) -> str:
    """The catalog version plus the product's own stamp, in one round trip."""
    version, stamp = current_many(VERSION_KEY, _detail_key(slug))
    return f"{version}.{stamp}"


def invalidate_product_details(slugs) -> None:
    """New stamps for these products' detail pages after the surrounding transaction commits."""
    slugs = list(slugs)
    if slugs:
        transaction.on_commit(
            lambda: cache.set_many({_detail_key(s): fresh() for s in slugs}, timeout=version_timeout())
        )


def list_index(version: int | str, build):
    """The public list's index of the catalog (selectors.public_list_index: the products counted per
    filter key, the categories' and vendors' ids by slug) for this catalog version: built by the first
    list that needs it after a write, then shared by every list, cold or not (kept apart from the
    answer cache, whose timeout may be 0).

    One request builds it; lists that miss meanwhile wait for that build (up to
    COUNT_BUILD_WAIT seconds) instead of all running the same GROUP BY at once — in make bench,
    16 clients missing together after a write stretched the first answers to seconds."""
    key = f"catalog:{version}:list-index"
    index = cache.get(key)
    if index is not None:
        return index
    building = f"{key}:building"
    if cache.add(building, 1, timeout=COUNT_BUILD_WAIT * 2):
        try:
            index = build()
            cache.set(key, index, timeout=settings.CATALOG_COUNTS_CACHE_TIMEOUT)
        finally:
            cache.delete(building)
        return index
    deadline = time.monotonic() + COUNT_BUILD_WAIT
    while time.monotonic() < deadline:
        time.sleep(0.02)
        index = cache.get(key)
        if index is not None:
            return index
    return build()  # the builder died or Redis is gone: build it here


_MISSING = "__missing__"


def cached_value(key: str, build, *, version: str | int, timeout: int):
    """``build()`` cached under ``key`` and a version (a catalog version or a product page's),
    None included (an unknown slug's second look costs no query either). A dead cache is a miss."""
    full = f"catalog:{version}:value:{key}"
    value = cache.get(full)
    if value is None:
        built = build()
        cache.set(full, _MISSING if built is None else built, timeout=timeout)
        return built
    return None if value == _MISSING else value
