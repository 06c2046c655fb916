"""Search answer cache: the backend's answer to one (query, filters, ordering, page), kept in
Redis for ``SEARCH_CACHE_TIMEOUT`` seconds under the index *generation*.

Every write to the index (an indexing batch, a rebuild) bumps the generation once committed,
so the next search misses and sees the new documents — except a batch that only moved products'
rank (units sold, after orders): cached answers then rank by it within ``SEARCH_CACHE_TIMEOUT``,
as otherwise every order would renew every answer. The vendors hidden at query time are part
of the key, so a suspension takes effect at once. Visibility of each hit is still checked per
request after the cache (``selectors._only_public``). A dead cache is a miss.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from agora.core.cache_versions import bump, current_many
from agora.search.types import SearchResult

GENERATION_KEY = "search:generation"


def index_changed() -> None:
    """Invalidates every cached answer. Call it once the index write is committed (searches that
    ran meanwhile cached under the old generation, which nobody reads any more)."""
    bump(GENERATION_KEY)


def cached(
    parts: tuple,
    compute: Callable[[], SearchResult],
    *,
    stamp_key: str,
    verify: Callable[[SearchResult], SearchResult] = lambda result: result,
) -> SearchResult:
    """The answer for ``parts``: cached, or computed. ``verify`` runs on a fresh answer and again
    on a cached one whose stamp (the value of the counter ``stamp_key`` when it was verified)
    differs from the current one; the verified answer is stored with the current stamp. The
    generation and the stamp are read together, before anything is computed or verified."""
    timeout = settings.SEARCH_CACHE_TIMEOUT
    if timeout <= 0:
        return verify(compute())
    generation_now, stamp = current_many(GENERATION_KEY, stamp_key)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]  # frozen dataclasses: stable repr
    key = f"search:{generation_now}:{digest}"
    entry = cache.get(key)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    result = verify(entry[1] if entry is not None else compute())
    cache.set(key, (stamp, result), timeout=timeout)
    return result
