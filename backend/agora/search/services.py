"""Search index writes: drain the outbox into the configured backend, reconcile, rebuild."""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from agora.catalog.models import Product, Variant
from agora.core.errors import ValidationFailed
from agora.core.tasks_util import enqueue_on_commit
from agora.search import get_backend, querylog
from agora.search.cache import index_changed
from agora.search.documents import public_products
from agora.search.indexing import products_changed
from agora.search.models import IndexedProduct, PendingIndex, SearchQueryStat, StopWord, Synonym
from agora.search.rules import phrases, rules_changed
from agora.search.types import SearchResult, words
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
            rows = list(
                PendingIndex.objects.select_for_update(skip_locked=True)
                .order_by("queued_at")
                .values_list("product_id", "queued_at", "ranking_only")[:batch_size]
            )
            if not rows:
                return handled
            claimed = [(pk, queued_at) for pk, queued_at, _ in rows]
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
        # A batch of rank moves alone (units sold after orders) leaves cached answers to expire
        # (SEARCH_CACHE_TIMEOUT): renewing them all after every order made the cache useless.
        if not all(ranking_only for _, _, ranking_only in rows):
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


# --- staff's rules: synonyms and stop words ----------------------------------------------------

SYNONYM_TERM_REQUIRED = "A one-way synonym needs the term shoppers type."
SYNONYMS_TOO_FEW = "List at least two words or phrases that mean the same, separated by commas."
SYNONYMS_REQUIRED = "List the words or phrases the term also finds, separated by commas."
STOP_WORD_INVALID = "A stop word is one word of letters or digits."


def _rules_changed_on_commit() -> None:
    """Every process reloads the rules after commit, and the Elasticsearch synonyms set follows."""
    from agora.search.tasks import sync_rules

    transaction.on_commit(rules_changed)
    enqueue_on_commit(sync_rules)


def synonym_clean(*, kind: str, term: str, synonyms: str) -> tuple[str, str]:
    """The term and synonyms as stored (each phrase normalised), or a validation error."""
    group = phrases(synonyms)
    if kind == Synonym.Kind.ONE_WAY:
        sources = phrases(term)
        if not sources:
            raise ValidationFailed(SYNONYM_TERM_REQUIRED, details={"term": [SYNONYM_TERM_REQUIRED]})
        targets = [p for p in group if p not in sources]
        if not targets:
            raise ValidationFailed(SYNONYMS_REQUIRED, details={"synonyms": [SYNONYMS_REQUIRED]})
        return ", ".join(" ".join(p) for p in sources), ", ".join(" ".join(p) for p in targets)
    if len(group) < 2:
        raise ValidationFailed(SYNONYMS_TOO_FEW, details={"synonyms": [SYNONYMS_TOO_FEW]})
    return "", ", ".join(" ".join(p) for p in group)


def synonym_save(*, synonym: Synonym) -> Synonym:
    synonym.term, synonym.synonyms = synonym_clean(kind=synonym.kind, term=synonym.term, synonyms=synonym.synonyms)
    with transaction.atomic():
        synonym.save()
        _rules_changed_on_commit()
    return synonym


def synonym_delete(*, synonym: Synonym) -> None:
    with transaction.atomic():
        synonym.delete()
        _rules_changed_on_commit()


def stop_word_clean(word: str) -> str:
    found = words(word)
    if len(found) != 1:
        raise ValidationFailed(STOP_WORD_INVALID, details={"word": [STOP_WORD_INVALID]})
    return found[0]


def stop_word_save(*, stop_word: StopWord) -> StopWord:
    stop_word.word = stop_word_clean(stop_word.word)
    with transaction.atomic():
        stop_word.save()
        _rules_changed_on_commit()
    return stop_word


def stop_word_delete(*, stop_word: StopWord) -> None:
    with transaction.atomic():
        stop_word.delete()
        _rules_changed_on_commit()


def search_rules_sync() -> None:
    """Pushes the rules to a backend that keeps its own copy (Elasticsearch's synonyms set)."""
    get_backend().sync_rules()


# --- zero- and low-result queries -------------------------------------------------------------


def search_query_sample(*, query: str, result: SearchResult) -> bool:
    """Counts a first page that found nothing or little, if it falls in the sample (Redis only)."""
    return querylog.record(query, result)


def search_query_log_flush(*, now: datetime | None = None) -> int:
    """Moves the sampled counts buffered in Redis into ``SearchQueryStat`` (one upsert) and
    deletes rows older than ``SEARCH_QUERY_LOG_DAYS``; returns the rows written."""
    entries = querylog.take()
    if entries:
        days, queries, kinds, counts = zip(*((d, q, k, n) for (d, q, k), n in sorted(entries.items())), strict=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SearchQueryStat._meta.db_table} (day, query, kind, count) "  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
                "SELECT * FROM unnest(%s::date[], %s::varchar(200)[], %s::varchar(10)[], %s::int[]) "
                "ON CONFLICT (day, query, kind) DO UPDATE "
                f"SET count = {SearchQueryStat._meta.db_table}.count + EXCLUDED.count",
                [list(days), list(queries), list(kinds), list(counts)],
            )
        querylog.forget_taken()
    cutoff = (now or timezone.now()).date() - timedelta(days=settings.SEARCH_QUERY_LOG_DAYS)
    SearchQueryStat.objects.filter(day__lt=cutoff).delete()
    return len(entries)
