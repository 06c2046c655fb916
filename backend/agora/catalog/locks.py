"""Row locks on the catalog, in the one order every path takes them.

Every transaction that locks catalog rows locks products first, then variants, each in
primary-key order (docs/adr/0002-lock-order.md): checkout, cancellations and refunds putting
stock back, portal edits, CSV imports and the summary refresh. Two transactions that lock the
same rows then always queue behind each other instead of deadlocking.
"""

from collections.abc import Iterable

from agora.catalog.models import Product, Variant
from agora.core.prepared import PreparedSQL, loaded
from agora.vendors.models import Vendor


def lock_products(product_ids: Iterable[int]) -> list[int]:
    """Locks these products in primary-key order; returns the ids that exist."""
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return []
    return list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def lock_product_variants(product: Product, *, inactive_too: bool = False) -> dict[int, Variant]:
    """A locked product's active variants (``inactive_too``: all of them), locked in primary-key
    order (the product row first)."""
    variants = Variant.objects.select_for_update().filter(product=product)
    if not inactive_too:
        variants = variants.filter(is_active=True)
    return {v.pk: v for v in variants.order_by("pk")}


# The stock locks as fixed statements: the ORM building them (a subquery, two joins, a FOR
# UPDATE OF) cost a checkout more CPU than PostgreSQL spent running them (bench/README.md). Kept
# prepared on the server for the session (agora.core.prepared): what they read is by id.
_VARIANT_COLUMNS = tuple(f.attname for f in Variant._meta.concrete_fields)
# What checkout reads of a variant's product and vendor; any other field is loaded on access.
_PRODUCT_COLUMNS = ("id", "slug", "name", "status")
_VENDOR_COLUMNS = ("id", "name", "slug", "status", "commission_rate", "return_window_days")
_LOCK_PRODUCTS = PreparedSQL(
    f"SELECT p.slug FROM {Product._meta.db_table} AS p "  # noqa: S608  # nosec B608  # only our table names are interpolated; values are bound
    f"WHERE p.id IN (SELECT v.product_id FROM {Variant._meta.db_table} AS v WHERE v.id = ANY(%s)) "
    "ORDER BY p.id FOR UPDATE",
    label="lock_products_of_variants",
)
_LOCK_VARIANTS = PreparedSQL(
    "SELECT "  # noqa: S608  # nosec B608  # only our table and column names are interpolated; values are bound
    + ", ".join(
        [f'v."{c}"' for c in _VARIANT_COLUMNS]
        + [f'p."{c}"' for c in _PRODUCT_COLUMNS]
        + [f'd."{c}"' for c in _VENDOR_COLUMNS]
    )
    + f" FROM {Variant._meta.db_table} AS v JOIN {Product._meta.db_table} AS p ON p.id = v.product_id"
    + f" JOIN {Vendor._meta.db_table} AS d ON d.id = v.vendor_id"
    + " WHERE v.id = ANY(%s) ORDER BY v.id FOR UPDATE OF v",
    label="lock_variants",
)


def lock_variants(variant_ids: Iterable[int]) -> tuple[dict[int, Variant], list[str]]:
    """Locks the variants' products, then the variants, in primary-key order, in two fixed
    statements (checkout, stock given back, CSV imports); returns the locked variants by id, each
    with what checkout reads of its product and vendor (not locked) loaded, and the locked
    products' slugs (for the summary refresh, which then needs no lock of its own)."""
    ids = sorted({int(pk) for pk in variant_ids})
    if not ids:
        return {}, []
    slugs = [row[0] for row in _LOCK_PRODUCTS.rows(ids)]
    rows = _LOCK_VARIANTS.rows(ids)
    variants: dict[int, Variant] = {}
    own, product_end = len(_VARIANT_COLUMNS), len(_VARIANT_COLUMNS) + len(_PRODUCT_COLUMNS)
    for row in rows:
        variant = loaded(
            Variant,
            dict(zip(_VARIANT_COLUMNS, row[:own], strict=True)),
            product=loaded(Product, dict(zip(_PRODUCT_COLUMNS, row[own:product_end], strict=True))),
            vendor=loaded(Vendor, dict(zip(_VENDOR_COLUMNS, row[product_end:], strict=True))),
        )
        variants[variant.pk] = variant
    return variants, slugs
