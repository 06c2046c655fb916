"""Payment work on the `orders` queue: tasks take ids, call services and are idempotent."""

from celery import shared_task

from agora.core.tasks_util import RETRYING


@shared_task(name="agora.payments.tasks.refund_send", soft_time_limit=60, time_limit=90, **RETRYING)
def refund_send(refund_id: int) -> str:
    """Send a pending refund to the provider (retried while it is down; same idempotency key)."""
    from agora.payments.services import refund_send as send

    return send(refund_id=refund_id).status


@shared_task(name="agora.payments.tasks.refunds_sync", soft_time_limit=60, time_limit=90, **RETRYING)
def refunds_sync(payment_id: int) -> str:
    """Record every refund the provider holds for a payment (what its events did not list)."""
    from agora.payments.services import payment_refunds_sync

    return payment_refunds_sync(payment_id=payment_id)
