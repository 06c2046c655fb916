"""Row locks on the catalog, in the one order every path takes them.

Every transaction that locks catalog rows locks products first, then variants, each in
primary-key order (docs/adr/0002-lock-order.md): checkout, cancellations and refunds putting
stock back, portal edits, CSV imports and the summary refresh. Two transactions that lock the
same rows then always queue behind each other instead of deadlocking.
"""

from collections.abc import Iterable

from agora.catalog.models import Product, Variant


def lock_products(product_ids: Iterable[int]) -> list[int]:
    """Locks these products in primary-key order; returns the ids that exist."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return []
    return list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def lock_variants_for_stock(
    variant_ids: Iterable[int], *, related: tuple[str, ...] = (), product_slugs: list[str] | None = None
) -> dict[int, Variant]:
    """Locks the variants' products, then the variants, in primary-key order; returns the locked
    variants by id (with ``related`` joined, not locked). ``product_slugs``, when given, receives
    the locked products' slugs (for the summary refresh, which then needs no lock of its own)."""
    ids = sorted({int(pk) for pk in variant_ids})
    if not ids:
        return {}
    slugs = (
        Product.objects.select_for_update()
        .filter(pk__in=Variant.objects.filter(pk__in=ids).values("product_id"))
        .order_by("pk")
        .values_list("slug", flat=True)
    )
    if product_slugs is not None:
        product_slugs.extend(slugs)
    else:
        list(slugs)
    variants = Variant.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    if related:
        variants = variants.select_related(*related)
    return {v.pk: v for v in variants}


def lock_product_variants(product: Product) -> dict[int, Variant]:
    """A locked product's active variants, locked in primary-key order (the product row first)."""
    return {v.pk: v for v in Variant.objects.select_for_update().filter(product=product, is_active=True).order_by("pk")}
