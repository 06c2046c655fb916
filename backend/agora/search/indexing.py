"""The search outbox: what the catalog's "products changed" turns into (agora.search.handlers)."""

from collections.abc import Iterable

from django.utils import timezone

from agora.core.tasks_util import enqueue_once_on_commit
from agora.search.models import PendingIndex


def products_changed(product_ids: Iterable[int], *, schedule: bool = True) -> None:
    """Records that these products' search documents are stale and schedules the index task.

    Runs inside the transaction that made the change (the catalog announces it with
    ``ProductsChanged``), so the outbox row commits with the change and a lost task only delays
    indexing until the beat reconciler drains the outbox. One statement, whatever the number of
    ids; the task is sent once per transaction, after commit, and handles every queued product
    in batches.
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    now = timezone.now()
    PendingIndex.objects.bulk_create(
        [PendingIndex(product_id=pk, queued_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["product_id"],
        update_fields=["queued_at"],
    )
    if schedule:
        from agora.search.tasks import index_pending

        enqueue_once_on_commit(index_pending)
