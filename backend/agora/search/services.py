"""Search index writes: drain the outbox into the configured backend, reconcile, rebuild."""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from agora.catalog.models import Product, Variant
from agora.search import get_backend
from agora.search.cache import index_changed
from agora.search.documents import public_products
from agora.search.indexing import products_changed
from agora.search.models import IndexedProduct, PendingIndex
from agora.vendors.models import Vendor

logger = logging.getLogger("agora.search")

# Small enough that the outbox rows a batch locks are released within a fraction of a second
# (a catalog write re-queuing one of them waits for that), large enough for bulk writes.
BATCH_SIZE = 200
RECONCILE_LIMIT = 5000


def index_pending_products(*, batch_size: int = BATCH_SIZE) -> int:
    """Indexes public products and removes hidden ones, batch by batch, until the outbox is empty.

    Rows are claimed with ``SKIP LOCKED`` so concurrent workers never index the same product
    at once; a row re-queued while being handled (a newer change) survives the delete because
    its ``queued_at`` moved on, so the newer change is indexed by the next run.
    """
    backend = get_backend()
    handled = 0
    while True:
        with transaction.atomic():
            claimed = list(
                PendingIndex.objects.select_for_update(skip_locked=True)
                .order_by("queued_at")
                .values_list("product_id", "queued_at")[:batch_size]
            )
            if not claimed:
                return handled
            ids = [pk for pk, _ in claimed]
            # Taken before reading the products: anything changed after it is newer than the
            # document, which is what the reconciler's drift check relies on.
            started = timezone.now()
            public = sorted(public_products().filter(pk__in=ids).values_list("pk", flat=True))
            hidden = sorted(set(ids) - set(public))
            if public:
                backend.index(public)
            if hidden:
                backend.remove(hidden)
            _ledger_record(public, started)
            _ledger_forget(hidden)
            _outbox_delete(claimed)
            handled += len(ids)
        index_changed()


def _ledger_record(ids: list[int], indexed_at: datetime) -> None:
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {IndexedProduct._meta.db_table} (product_id, indexed_at) "  # nosec B608  # our table; values are bound
                "SELECT unnest(%s::bigint[]), %s "
                "ON CONFLICT (product_id) DO UPDATE SET indexed_at = EXCLUDED.indexed_at",
                [ids, indexed_at],
            )


def _ledger_forget(ids: list[int]) -> None:
    if ids:
        IndexedProduct.objects.filter(product_id__in=ids).delete()


def _outbox_delete(claimed: Sequence[tuple[int, datetime]]) -> None:
    """Deletes the handled rows in one statement, each only if it was not re-queued meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {PendingIndex._meta.db_table} p "  # noqa: S608  # nosec B608  # only our table names are interpolated; values are bound
            "USING unnest(%s::bigint[], %s::timestamptz[]) AS c(product_id, queued_at) "
            "WHERE p.product_id = c.product_id AND p.queued_at = c.queued_at",
            [[pk for pk, _ in claimed], [queued_at for _, queued_at in claimed]],
        )


def drifted_product_ids(*, limit: int = RECONCILE_LIMIT) -> list[int]:
    """Products whose search document is missing, stale or should not exist, per the ledger.

    Missing: public but never indexed. Stale: the product, its vendor or one of its variants
    changed after the document was built. Should not exist: indexed but no longer public (or
    deleted). Catches changes made without ``products_changed`` (admin edits, raw updates).
    """
    product, vendor, variant = Product._meta.db_table, Vendor._meta.db_table, Variant._meta.db_table
    ledger = IndexedProduct._meta.db_table
    # Table names only are interpolated; values are bound.
    sql = f"""
        (SELECT p.id FROM {product} p
         JOIN {vendor} v ON v.id = p.vendor_id
         LEFT JOIN {ledger} l ON l.product_id = p.id
         WHERE p.status = %s AND v.status = %s
           AND (l.product_id IS NULL OR p.updated_at > l.indexed_at OR v.updated_at > l.indexed_at
                OR EXISTS (SELECT 1 FROM {variant} va WHERE va.product_id = p.id AND va.updated_at > l.indexed_at))
         LIMIT %s)
        UNION
        (SELECT l.product_id FROM {ledger} l
         LEFT JOIN {product} p ON p.id = l.product_id
         LEFT JOIN {vendor} v ON v.id = p.vendor_id
         WHERE p.id IS NULL OR p.status <> %s OR v.status <> %s
         LIMIT %s)
    """  # noqa: S608  # nosec B608  # only our table names are interpolated; values are bound
    approved, vendor_approved = Product.Status.APPROVED, Vendor.Status.APPROVED
    with connection.cursor() as cursor:
        cursor.execute(sql, [approved, vendor_approved, limit, approved, vendor_approved, limit])
        return sorted(pk for (pk,) in cursor.fetchall())


def search_reconcile() -> dict[str, int]:
    """The beat task's work: queue drifted products, then drain the outbox (lost tasks included).

    Converges: each run fixes up to ``RECONCILE_LIMIT`` drifted products plus everything in the
    outbox, and the next run picks up where it stopped.
    """
    drifted = drifted_product_ids()
    if drifted:
        logger.info("search reconcile: %d drifted documents queued", len(drifted))
        with transaction.atomic():
            products_changed(drifted, schedule=False)
    indexed = index_pending_products()
    return {"drifted": len(drifted), "indexed": indexed}


def search_rebuild(*, progress: Callable[[int], object] | None = None) -> int:
    """Rebuilds the whole index while searches keep being answered; returns the documents written.

    The ledger is reset to what the rebuild wrote, and changes made while it ran are queued
    again so they reach the new index. Outbox rows already committed when it started are
    covered by it (it reads every product afterwards) and deleted, each only if it was not
    re-queued meanwhile: after a bulk import, the worker does not index everything a second time.
    """
    covered = list(PendingIndex.objects.values_list("product_id", "queued_at"))
    started = timezone.now()
    total = get_backend().rebuild(progress=progress)
    index_changed()
    with transaction.atomic():
        _ledger_reset(started)
        changed = list(public_products().filter(updated_at__gte=started).values_list("pk", flat=True))
        if changed:
            products_changed(changed)
        if covered:
            _outbox_delete(covered)
    return total


def _ledger_reset(indexed_at: datetime) -> None:
    product, vendor, ledger = Product._meta.db_table, Vendor._meta.db_table, IndexedProduct._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {ledger}")
        cursor.execute(
            f"INSERT INTO {ledger} (product_id, indexed_at) "  # noqa: S608  # nosec B608  # only our table names are interpolated; values are bound
            f"SELECT p.id, %s FROM {product} p JOIN {vendor} v ON v.id = p.vendor_id "
            "WHERE p.status = %s AND v.status = %s",
            [indexed_at, Product.Status.APPROVED, Vendor.Status.APPROVED],
        )
