"""The one entry point other apps call when something searchable changed."""

from collections.abc import Iterable

from agora.search.models import PendingIndex


def products_changed(product_ids: Iterable[int]) -> None:
    """Records that these products' search documents are stale and schedules the index task.

    Call it inside the transaction that made the change (catalog services do, for product
    edits and status changes, variant price/stock, vendor status and category renames).
    """
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    PendingIndex.objects.bulk_create(
        [PendingIndex(product_id=pk) for pk in ids],
        update_conflicts=True,
        unique_fields=["product_id"],
        update_fields=["queued_at"],
    )
    from agora.core.tasks_util import enqueue_on_commit
    from agora.search.tasks import index_pending

    enqueue_on_commit(index_pending)
