"""Search reads for the API: the configured backend, plus the visibility guard."""

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from agora.catalog.cache import VERSION_KEY as CATALOG_VERSION_KEY
from agora.core.errors import NotFound
from agora.core.prepared import PreparedValues
from agora.search import get_backend
from agora.search.cache import CHANGES_KEY, Hidden, cached
from agora.search.documents import public_products
from agora.search.models import PendingIndex, SearchQueryStat
from agora.search.types import PageRequest, SearchFilters, SearchResult, Suggestion, tokenize
from agora.vendors.models import Vendor

PAGE_NOT_FOUND = "This page is beyond the last page of results."

# A search hit or a suggestion: both name their product by ``slug``.
Found = TypeVar("Found", bound=Mapping[str, Any])


def hidden_vendor_ids() -> tuple[int, ...]:
    """Vendors that were public and are not any more (suspended): excluded by every search at once.

    Small by nature (a handful of suspended vendors), one indexed query; vendors that were
    never approved have no documents to exclude.
    """
    return tuple(row["pk"] for row in _HIDDEN_VENDORS.rows())


def _hidden_vendors_query() -> QuerySet[Vendor, Any]:
    return (
        Vendor.objects.exclude(status=Vendor.Status.APPROVED)
        .filter(Q(status=Vendor.Status.SUSPENDED) | Q(approved_at__isnull=False))
        .values("pk")
    )


# Compiled once per thread: building this queryset took Django more CPU than running it, on
# every search, cached answers included (bench/README.md, issue #18).
_HIDDEN_VENDORS = PreparedValues(_hidden_vendors_query)


def hidden_product_ids() -> tuple[int, ...]:
    """Products taken off sale (archived, rejected, deleted) whose documents the index task has
    not removed yet: excluded by every search at once, so the count and the facets agree with the
    hits. Only products with a content change queued are read: usually none, a handful at most."""
    pending = list(
        PendingIndex.objects.filter(ranking_only=False)
        .order_by("product_id")
        .values_list("product_id", flat=True)[:1000]
    )
    if not pending:
        return ()
    public = set(public_products().filter(pk__in=pending).values_list("pk", flat=True))
    return tuple(pk for pk in pending if pk not in public)


def _hidden() -> Hidden:
    return hidden_vendor_ids(), hidden_product_ids()


def _only_public(results: list[Found]) -> list[Found]:
    """Drops hits whose product stopped being public after it was indexed (the index task is
    on its way): one primary-key query for the page, so a hidden product is never shown."""
    if not results:
        return results
    public = set(public_products().filter(slug__in=[r["slug"] for r in results]).values_list("slug", flat=True))
    return [r for r in results if r["slug"] in public]


def search_products(
    *,
    query: str,
    filters: SearchFilters,
    ordering: str | None,
    page: PageRequest,
    render: Callable[[SearchResult], SearchResult] | None = None,
    exact: bool = False,
) -> SearchResult:
    """Public product search. An empty ``query`` is a filtered listing (newest first by default);
    a query with no searchable word (only punctuation) matches nothing. ``exact``: no typo
    corrections and no words left out (``agora.search.query``).

    ``render`` (the API's serializer) turns the backend's answer into its JSON-ready form once,
    before it is cached, so a cached answer costs no serialization; hits keep their ``slug``.
    """
    terms = tokenize(query)
    if query.strip() and not terms:
        if page.number > 1:
            raise NotFound(PAGE_NOT_FOUND)
        return SearchResult(total=0, results=[])
    backend = get_backend()
    text = " ".join(terms)

    def compute(hidden: Hidden) -> SearchResult:
        vendors, products = hidden
        excluding = replace(filters, exclude_vendor_ids=vendors, exclude_product_ids=products)
        answer = backend.search(text, excluding, ordering, page, exact=exact)
        return render(answer) if render else answer

    def verify(answer: SearchResult) -> SearchResult:
        answer.results = _only_public(answer.results)
        return answer

    # Verified answers are served as they are while the catalog version and the search changes
    # counter stay the same: every change queued for indexing (a vendor hidden, a product taken
    # off sale, by a service or not) moves the counter on commit, and then the suspended vendors
    # and the products off sale awaiting their index task are read again (a newly hidden one
    # renews the answer, its count and facets) and each hit is checked again. (A raw
    # database edit that queues nothing is caught within SEARCH_CACHE_TIMEOUT, as the catalog's
    # own cached pages are, or by the reconciler's re-index, which moves the index generation.)
    result = cached(
        (backend.name, text, filters, ordering, page, exact, render is not None),
        compute,
        stamp_keys=(CATALOG_VERSION_KEY, CHANGES_KEY),
        hidden=_hidden,
        verify=verify,
    )
    if page.number > 1 and page.offset >= result.total:
        raise NotFound(PAGE_NOT_FOUND)
    return result


def suggest_products(*, prefix: str) -> list[Suggestion]:
    if not prefix.strip():
        return []
    return _only_public(get_backend().suggest(prefix, exclude_vendor_ids=hidden_vendor_ids()))


def search_query_stats(*, kind: str | None, days: int) -> QuerySet[Any, Any]:
    """Staff: the sampled queries that found nothing or little in the last ``days`` days, one row
    per (query, kind) with the sampled count, the days it was seen and the last one; most
    searched first."""
    since = timezone.now().date() - timedelta(days=days - 1)
    rows = SearchQueryStat.objects.filter(day__gte=since)
    if kind:
        rows = rows.filter(kind=kind)
    return (
        rows.values("query", "kind")
        .annotate(count=Sum("count"), days=Count("day"), last_seen=Max("day"))
        .order_by("-count", "query", "kind")
    )
