"""Sampling of searches that found nothing or little, for staff (``SearchQueryStat``).

The search API calls ``record`` with every answer it gives to a first page; a sample
(``SEARCH_QUERY_LOG_SAMPLE_RATE``) of the zero-, partial- and low-result ones is counted in a
Redis hash (no database write on the request path), which the beat task drains into the
database (``services.search_query_log_flush``). Only the query's words and the day are kept:
never who searched, from where or when in the day; a query that looks like an email address or
holds a long number (a phone, an order or a card number) is not recorded at all.
"""

import logging
import random
import re
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from agora.search.models import SearchQueryStat
from agora.search.types import SearchResult, words

logger = logging.getLogger("agora.search")

KEY = "search:querylog"
_FIELD_SEPARATOR = "\x1f"
# Six digits or more, counting digits split by spaces, dots, dashes or slashes ("0612 345 678").
_LONG_NUMBER = re.compile(r"\d(?:[\s.\-/]*\d){5,}")
QUERY_MAX_LENGTH = 200


def _code_like(word: str) -> bool:
    """A long mix of letters and digits: an order number, a token, a voucher."""
    return len(word) >= 8 and any(c.isdigit() for c in word) and any(c.isalpha() for c in word)


def private(raw: str) -> bool:
    """Whether a query may hold personal data, and is therefore never recorded."""
    return "@" in raw or bool(_LONG_NUMBER.search(raw)) or any(_code_like(w) for w in words(raw))


def kind_of(result: SearchResult) -> str | None:
    if result.total == 0:
        return SearchQueryStat.Kind.ZERO
    if result.dropped_words:
        return SearchQueryStat.Kind.PARTIAL
    if result.total <= settings.SEARCH_QUERY_LOG_LOW_RESULTS:
        return SearchQueryStat.Kind.LOW
    return None


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _key() -> str:
    return cache.make_key(KEY)


def record(raw: str, result: SearchResult, *, today: date | None = None) -> bool:
    """Counts this answer if it found nothing or little and falls in the sample; never raises
    (a dead Redis loses a sample, not the search). Returns whether it was counted."""
    kind = kind_of(result)
    if kind is None or private(raw) or random.random() >= settings.SEARCH_QUERY_LOG_SAMPLE_RATE:  # noqa: S311 - sampling, not security
        return False
    query = " ".join(words(raw))[:QUERY_MAX_LENGTH].strip()
    if not query:
        return False
    day = (today or timezone.now().date()).isoformat()
    try:
        connection = _redis()
        pipe = connection.pipeline()
        pipe.hincrby(_key(), _FIELD_SEPARATOR.join((day, kind, query)), 1)
        # A buffer nobody drains (no beat) must not grow for ever.
        pipe.expire(_key(), 7 * 24 * 3600)
        pipe.execute()
    except Exception:
        logger.warning("search query log: could not record a sample", exc_info=True)
        return False
    return True


def take() -> dict[tuple[str, str, str], int]:
    """The buffered counts, {(day, query, kind): count}, moved aside under a ``:taken`` key that
    ``forget_taken`` deletes once they are stored: a flush that dies in between leaves them
    there, and the next flush takes those first (new counts wait in the buffer meanwhile)."""
    connection = _redis()
    key, taken = _key(), _key() + ":taken"
    if not connection.exists(taken):
        if not connection.exists(key):
            return {}
        connection.rename(key, taken)
    entries: dict[tuple[str, str, str], int] = {}
    for field, count in connection.hgetall(taken).items():
        parts = field.decode().split(_FIELD_SEPARATOR, 2)
        if len(parts) == 3:
            day, kind, query = parts
            entries[(day, query, kind)] = entries.get((day, query, kind), 0) + int(count)
    return entries


def forget_taken() -> None:
    _redis().delete(_key() + ":taken")
