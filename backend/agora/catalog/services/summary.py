from collections.abc import Iterable

from django.db import connection, transaction

from agora.catalog.changes import product_pages_changed, products_changed
from agora.catalog.models import Product, Variant


def products_refresh_summary(
    *, product_ids: Iterable[int], stock_only: bool = False, locked_slugs: list[str] | None = None
) -> None:
    """Recomputes the denormalised ``price_min``/``in_stock`` of products from their active variants.

    Call it (inside the writing transaction) after any variant price, stock or activity change,
    including stock taken or restored by orders. It also re-indexes the products for search
    and invalidates the cached public catalog.

    Two statements whatever the number of products: the product rows are locked in primary-key
    order first (the catalog's lock order; a caller that holds the locks passes ``locked_slugs``
    and saves that statement), then updated from one aggregate over their variants.

    ``stock_only`` (stock taken or put back by orders, nothing else changed): the products'
    detail pages are invalidated, and listings and search only for products whose ``in_stock``
    or ``price_min`` changed.
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    product_table, variant_table = Product._meta.db_table, Variant._meta.db_table
    # No savepoint: callers write inside their own transaction, and a failure here fails it anyway.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if locked_slugs is None:
            cursor.execute(f"SELECT slug FROM {product_table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [ids])  # noqa: S608  # nosec B608  # only our table names are interpolated; values are bound
            slugs = [row[0] for row in cursor.fetchall()]
        else:  # the caller locked these products already (checkout) and read their slugs
            slugs = locked_slugs
        cursor.execute(
            f"""
            UPDATE {product_table} AS p
               SET price_min = s.price_min, in_stock = s.in_stock
              FROM (
                    SELECT p2.id,
                           MIN(v.price) FILTER (WHERE v.is_active) AS price_min,
                           COALESCE(BOOL_OR(v.is_active AND v.stock > 0), FALSE) AS in_stock
                      FROM {product_table} p2
                      LEFT JOIN {variant_table} v ON v.product_id = p2.id
                     WHERE p2.id = ANY(%s)
                     GROUP BY p2.id
                   ) AS s
             WHERE p.id = s.id
               AND (p.price_min IS DISTINCT FROM s.price_min OR p.in_stock IS DISTINCT FROM s.in_stock)
            RETURNING p.id
            """,  # noqa: S608  # nosec B608  # only our table names are interpolated; values are bound
            [ids],
        )
        changed = [row[0] for row in cursor.fetchall()]
        if not stock_only:
            products_changed(ids)
            return
        product_pages_changed(slugs)
        if changed:
            products_changed(changed)
