"""Payout work on the worker. Tasks take ids and call services; each is idempotent, so a
redelivery after a worker crash (acks_late + reject on worker lost) never pays twice."""

from datetime import timedelta
from typing import Final

from celery import shared_task
from django.utils import timezone

from agora.core.tasks_util import RetryingOptions
from agora.payouts.providers.base import ProviderError

RETRYING: Final[RetryingOptions] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (ProviderError,),
    "retry_backoff": 10,
    # A waiting retry plus its run (hard limit 90 s) stays under the broker's visibility timeout
    # (CELERY_VISIBILITY_TIMEOUT, 720 s): it is not delivered a second time.
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 12,
    "ignore_result": True,
}


@shared_task(name="agora.payouts.tasks.payout_send", soft_time_limit=60, time_limit=90, **RETRYING)
def payout_send(payout_id: int) -> str:
    """Send one pending payout's transfer (same idempotency key on every attempt)."""
    from agora.payouts.services import payout_send as send

    return send(payout_id=payout_id)


@shared_task(name="agora.payouts.tasks.payouts_run", ignore_result=True, soft_time_limit=480, time_limit=540)
def payouts_run() -> int:
    """Beat: pay every due vendor's available balance; re-drive payouts left pending."""
    from agora.payouts.services import payouts_run as run

    return len(run().created)


# Under the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT, 720 s): a running reconciliation is
# never delivered a second time. A day's reconciliation reads the provider's lists page by page.
@shared_task(name="agora.payouts.tasks.ledger_reconcile", ignore_result=True, soft_time_limit=480, time_limit=540)
def ledger_reconcile(day: str | None = None) -> int:
    """Beat, daily: reconcile yesterday (UTC) — or ``day`` (YYYY-MM-DD) — with the provider."""
    from datetime import date

    from agora.payouts.services.reconcile import day_bounds, reconcile

    target = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    start, end = day_bounds(target)
    return reconcile(start=start, end=end).pk
