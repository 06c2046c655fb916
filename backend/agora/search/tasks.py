from celery import shared_task


@shared_task(
    name="agora.search.tasks.index_pending",
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def index_pending() -> int:
    """Brings the search index in step with every product recorded in the indexing outbox."""
    from agora.search.services import index_pending_products

    return index_pending_products()


@shared_task(name="agora.search.tasks.reconcile", ignore_result=True)
def reconcile() -> dict[str, int]:
    """Every minute (beat): index what a lost task left in the outbox and documents that drifted."""
    from agora.search.services import search_reconcile

    return search_reconcile()
