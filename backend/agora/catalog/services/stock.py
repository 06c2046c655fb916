"""Stock arithmetic on variants already locked in the catalog's lock order (agora.catalog.locks)."""

from collections.abc import Mapping

from django.db import connection

from agora.catalog.locks import lock_variants
from agora.catalog.models import Variant
from agora.catalog.services.summary import products_refresh_summary


def variants_add_stock(deltas: Mapping[int, int]) -> None:
    """Adds each variant's delta to its stock (negative to take) in one fixed statement, whatever
    the number of variants; a result below zero breaks the table's CHECK (IntegrityError).

    The ORM's form, ``update(stock=Case(When(pk=…, then=F("stock") - n), …))``, was built and
    compiled anew on every checkout: more of its CPU than PostgreSQL took to run it (issue #18)."""
    if not deltas:
        return
    ids = list(deltas)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Variant._meta.db_table} AS v SET stock = v.stock + d.delta "  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
            "FROM unnest(%s::bigint[], %s::int[]) AS d(id, delta) WHERE v.id = d.id",
            [ids, [int(deltas[pk]) for pk in ids]],
        )


def variants_give_back(quantities: Mapping[int, int]) -> None:
    """Puts units back on variants (an unpaid order released, cancelled lines, a restocked
    return): locks them in the catalog's lock order, adds the units, and refreshes their
    products' stock summary with the product locks just taken (no second lock statement)."""
    if not quantities:
        return
    variants, slugs = lock_variants(quantities)
    variants_add_stock(quantities)
    products_refresh_summary(product_ids={v.product_id for v in variants.values()}, stock_only=True, locked_slugs=slugs)
