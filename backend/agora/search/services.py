"""Search index writes: drain the outbox into the configured backend."""

from django.db import transaction

from agora.catalog.models import Product
from agora.search import get_backend
from agora.search.models import PendingIndex

BATCH_SIZE = 500


def index_pending_products(*, batch_size: int = BATCH_SIZE) -> int:
    """Indexes public products and removes hidden ones, batch by batch, until the outbox is empty.

    Rows are claimed with ``SKIP LOCKED`` so concurrent workers never index the same product
    at once; a row re-queued while being handled (a newer change) survives the delete because
    its ``queued_at`` moved on.
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
            public = set(
                Product.objects.filter(
                    pk__in=ids, status=Product.Status.APPROVED, vendor__status="approved"
                ).values_list("pk", flat=True)
            )
            if public:
                backend.index(sorted(public))
            hidden = sorted(set(ids) - public)
            if hidden:
                backend.remove(hidden)
            for pk, queued_at in claimed:
                PendingIndex.objects.filter(product_id=pk, queued_at=queued_at).delete()
            handled += len(ids)
