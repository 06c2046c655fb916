"""Catalog writes."""

from collections.abc import Iterable

from django.db.models import Exists, Min, OuterRef, Q

from agora.catalog.cache import invalidate_public_catalog
from agora.catalog.models import Product, Variant
from agora.search.indexing import products_changed


def products_refresh_summary(*, product_ids: Iterable[int]) -> None:
    """Recomputes the denormalised ``price_min``/``in_stock`` of products from their active variants.

    Call it (inside the writing transaction) after any variant price, stock or activity change,
    including stock taken or restored by orders. It also re-indexes the products for search
    and invalidates the cached public catalog.
    """
    ids = sorted(set(product_ids))
    if not ids:
        return
    active = Variant.objects.filter(product=OuterRef("pk"), is_active=True)
    rows = (
        Product.objects.filter(pk__in=ids)
        .annotate(
            new_price_min=Min("variants__price", filter=Q(variants__is_active=True)),
            new_in_stock=Exists(active.filter(stock__gt=0)),
        )
        .values_list("pk", "new_price_min", "new_in_stock")
    )
    for pk, price_min, in_stock in rows:
        Product.objects.filter(pk=pk).update(price_min=price_min, in_stock=in_stock)
    products_changed(ids)
    invalidate_public_catalog()
