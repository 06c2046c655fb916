"""The one place that decides what a catalog change invalidates and re-indexes.

Every write that changes what shoppers see of products calls ``products_changed`` inside its
transaction: the cached public catalog (lists and pages) is renewed after commit, and
``ProductsChanged`` is announced so search re-indexes them (its outbox row commits with the
change). Stock taken or put back by orders is narrower: ``product_pages_changed`` renews only
those products' pages, and the summary refresh escalates to ``products_changed`` for the
products whose ``in_stock`` or lowest price moved — otherwise every sale would empty the cache.
"""

from collections.abc import Iterable

from agora.catalog.cache import invalidate_product_details, invalidate_public_catalog
from agora.catalog.events import ProductsChanged
from agora.core.events import publish


def products_changed(product_ids: Iterable[int]) -> None:
    ids = tuple(sorted({int(pk) for pk in product_ids}))
    invalidate_public_catalog()
    if ids:
        publish(ProductsChanged(product_ids=ids))


def products_reranked(product_ids: Iterable[int]) -> None:
    """Only how search ranks these products changed (their popularity): re-index them, and leave
    the cached catalog alone (it does not show popularity) and search's cached answers too (they
    rank by it again within SEARCH_CACHE_TIMEOUT): every paid order reranks its products, and
    emptying every cached answer each time left the search cache useless under a stream of orders
    (bench/README.md, issue #18)."""
    ids = tuple(sorted({int(pk) for pk in product_ids}))
    if ids:
        publish(ProductsChanged(product_ids=ids, ranking_only=True))


def product_pages_changed(slugs: Iterable[str]) -> None:
    """Only these products' detail pages (their stock shown) are stale."""
    invalidate_product_details(slugs)
