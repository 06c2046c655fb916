from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "worker:heartbeat"


@shared_task(name="agora.core.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> str:
    """Beat sends this every minute; its timestamp in the cache says a worker is consuming."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=600)
    return now


@shared_task(name="agora.core.tasks.publish_queue_metrics", ignore_result=True)
def publish_queue_metrics() -> dict[str, int]:
    """Beat sends this every minute: Celery queue depths to CloudWatch (worker autoscaling)."""
    from agora.core.metrics import publish_queue_depths

    return publish_queue_depths()
