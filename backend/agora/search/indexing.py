"""The search outbox: what the catalog's "products changed" turns into (agora.search.handlers)."""

from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.utils import timezone

from agora.core.tasks_util import enqueue_debounced_on_commit, enqueue_once_on_commit
from agora.search.cache import products_queued
from agora.search.models import PendingIndex


def products_changed(product_ids: Iterable[int], *, schedule: bool = True, ranking_only: bool = False) -> None:
    """Records that these products' search documents are stale and schedules the index task.

    Runs inside the transaction that made the change (the catalog announces it with
    ``ProductsChanged``), so the outbox row commits with the change and a lost task only delays
    indexing until the beat reconciler drains the outbox. One statement, whatever the number of
    ids; the task is sent once per transaction, after commit, and handles every queued product
    in batches.

    ``ranking_only``: only the products' rank moved (units sold), so indexing them need not renew
    cached answers. A row stays ranking-only only while every change queued for it is one.
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    table = PendingIndex._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS p (product_id, queued_at, ranking_only) "  # nosec B608  # only our table name is interpolated; values are bound
            "SELECT unnest(%s::bigint[]), %s, %s "
            "ON CONFLICT (product_id) DO UPDATE SET queued_at = EXCLUDED.queued_at, "
            "ranking_only = p.ranking_only AND EXCLUDED.ranking_only",
            [ids, timezone.now(), ranking_only],
        )
    if not ranking_only:
        products_queued()
    if schedule:
        from agora.search.tasks import index_pending

        if ranking_only:
            # Only the rank moved (every paid order): one indexing run every few seconds serves
            # every order meanwhile; anything else is indexed at once.
            enqueue_debounced_on_commit(index_pending, settings.SEARCH_RERANK_DELAY_SECONDS)
        else:
            enqueue_once_on_commit(index_pending)
