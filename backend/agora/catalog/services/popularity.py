"""Products' popularity (units sold in the last 30 days), kept by the catalog for search ranking.

The catalog cannot see orders (apps depend one way): the orders app computes the figures from
paid orders and hands them over here: for an order's products after it is paid, cancelled or
refunded (a task the order pipeline sends on commit), and for every product hourly on beat
(``agora.orders.services.products_popularity_refresh``: the 30-day window moves). Only rows whose figure moved are written, and only those are re-indexed.
"""

from collections.abc import Collection, Mapping

from django.db import connection, transaction

from agora.catalog.changes import products_reranked
from agora.catalog.models import Product

# Small transactions: the product rows a batch locks are released quickly for checkouts.
BATCH_SIZE = 500


def products_set_units_sold(*, units: Mapping[int, int], only: Collection[int] | None = None) -> list[int]:
    """Sets ``units_sold_30d`` to ``units`` for the products named and to 0 for every other
    product that had sales — or, with ``only``, for those products alone (a figure refreshed
    after one order); returns the ids whose figure changed (queued for re-indexing).

    Rows are locked in primary-key order, as every catalog writer locks them (the lock order).
    """
    wanted = {int(pk): max(0, int(n)) for pk, n in units.items()}
    table = Product._meta.db_table
    if only is None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, units_sold_30d FROM {table} WHERE units_sold_30d > 0 OR id = ANY(%s)",  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
                [list(wanted)],
            )
            stale = sorted(pk for pk, current in cursor.fetchall() if current != wanted.get(pk, 0))
    else:
        # A few products after a sale: their figures moved, so no read to skip the write first
        # (the UPDATE still writes only the rows whose figure differs).
        stale = sorted({int(pk) for pk in only})
    changed: list[int] = []
    for start in range(0, len(stale), BATCH_SIZE):
        batch = stale[start : start + BATCH_SIZE]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [batch])  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
            cursor.execute(
                f"UPDATE {table} AS p SET units_sold_30d = v.units "  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
                "FROM unnest(%s::bigint[], %s::int[]) AS v(id, units) "
                "WHERE p.id = v.id AND p.units_sold_30d <> v.units RETURNING p.id",
                [batch, [wanted.get(pk, 0) for pk in batch]],
            )
            ids = [row[0] for row in cursor.fetchall()]
            products_reranked(ids)
            changed += ids
    return sorted(changed)
