"""Search answer cache: the backend's answer to one (query, filters, ordering, page), kept in
Redis for ``SEARCH_CACHE_TIMEOUT`` seconds under the index *generation*.

Every write to the index (an indexing batch, a rebuild) bumps the generation once committed,
so the next search misses (each answer is stored with the generation it was computed at, read
with it in one round trip) and sees the new documents — except a batch that only moved products'
rank (units sold, after orders): cached answers then rank by it within ``SEARCH_CACHE_TIMEOUT``,
as otherwise every order would renew every answer. Each answer is stored with the stamp it was
verified at (the catalog version and the search-changes counter, CHANGES_KEY) and what was
hidden then: while both stay, a hit is served as it is (no database read); once either moved
(every service that hides or shows a vendor moves the version; every change queued for indexing
moves the counter), what is hidden (vendors suspended, products taken off sale and not yet removed
from the index) is read again and an answer computed without something newly hidden is computed
anew, so a suspension or an archive takes effect at once, in the hits and the figures. A dead
cache is a miss.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from agora.core.cache_versions import bump, read_with
from agora.search.types import SearchResult

# What searches exclude at query time (the vendors, then the products, no longer public): an
# answer computed with other ones is computed anew.
Hidden = tuple[tuple[int, ...], tuple[int, ...]]

GENERATION_KEY = "search:generation"
# Moved after every commit that queued products for indexing for more than their rank: the
# cached answers' stamp includes it, so what is hidden and each hit are checked again at once
# whatever path made the change (the catalog's services also move the catalog version).
CHANGES_KEY = "search:changes"


def index_changed() -> None:
    """Invalidates every cached answer. Call it once the index write is committed (searches that
    ran meanwhile cached under the old generation, which nobody reads any more)."""
    bump(GENERATION_KEY)


def products_queued() -> None:
    """Products were queued for re-indexing (not only re-ranking) in this transaction: once it
    commits, every cached answer is checked again before it is served."""
    transaction.on_commit(_changed)


def _changed() -> None:
    bump(CHANGES_KEY)


def cached(
    parts: tuple,
    compute: Callable[[Hidden], SearchResult],
    *,
    stamp_keys: tuple[str, ...],
    hidden: Callable[[], Hidden],
    verify: Callable[[SearchResult], SearchResult] = lambda result: result,
) -> SearchResult:
    """The answer for ``parts``: cached, or computed excluding what ``hidden()`` names.

    The stamp is the value of the counters ``stamp_keys`` when an answer was verified; they are
    read with the generation, before anything else. A cached answer with the current stamp is served
    as it is. Otherwise what is hidden is read: a cached answer computed with something else
    hidden is computed anew, one with the same is verified again (``verify`` checks each hit is
    still public); the answer is stored with the current stamp."""
    timeout = settings.SEARCH_CACHE_TIMEOUT
    if timeout <= 0:
        return verify(compute(hidden()))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]  # frozen dataclasses: stable repr
    key = f"search:answer:{digest}"
    (generation_now, *stamp), entry = read_with((GENERATION_KEY, *stamp_keys), key)
    if not (isinstance(entry, tuple) and len(entry) == 4 and entry[0] == generation_now):
        entry = None  # nothing cached, or cached before the index last changed
    if entry is not None and entry[1] == stamp:
        return entry[3]
    hidden_now = hidden()
    same_hidden = entry is not None and entry[2] == hidden_now
    result = verify(entry[3] if same_hidden else compute(hidden_now))
    cache.set(key, (generation_now, stamp, hidden_now, result), timeout=timeout)
    return result
