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


@shared_task(
    name="agora.search.tasks.sync_rules",
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
)
def sync_rules() -> None:
    """After staff changed synonyms or stop words: push them to a backend that keeps its own copy
    (Elasticsearch's synonyms set). Retried while the cluster is unreachable; a rebuild syncs too."""
    from agora.search.services import search_rules_sync

    search_rules_sync()


@shared_task(name="agora.search.tasks.query_log_flush", ignore_result=True, soft_time_limit=120, time_limit=180)
def query_log_flush() -> int:
    """Beat, every 5 minutes: store the sampled zero-/low-result query counts buffered in Redis."""
    from agora.search.services import search_query_log_flush

    return search_query_log_flush()
