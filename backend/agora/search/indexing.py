"""The one entry point other apps call when something searchable changed."""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from agora.search.models import PendingIndex


def products_changed(product_ids: Iterable[int], *, schedule: bool = True) -> None:
    """Records that these products' search documents are stale and schedules the index task.

    Call it inside the transaction that made the change (catalog services do, for product
    edits and status changes, variant price/stock, vendor status, category renames and
    images). The outbox row commits with the change, so a lost task only delays indexing
    until the beat reconciler drains the outbox. One statement, whatever the number of ids;
    the task is sent once, after commit, and handles every queued product in batches.
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
        _schedule_index_task()


def _schedule_index_task() -> None:
    """One index task per transaction, however many times products changed in it: the task drains
    the whole outbox, so a second one would find nothing to do."""
    from agora.core.tasks_util import enqueue_on_commit
    from agora.search.tasks import index_pending

    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _, callback, *_ in connection.run_on_commit:
            if isinstance(callback, partial) and callback.args and callback.args[0] is index_pending:
                return
    enqueue_on_commit(index_pending)
