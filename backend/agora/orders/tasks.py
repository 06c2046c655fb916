"""Order work on the `orders` queue. Tasks take ids, call services and are idempotent: a
redelivery after a worker crash (acks_late + reject on worker lost) does nothing twice."""

from celery import shared_task

from agora.core.tasks_util import RETRYING


@shared_task(name="agora.orders.tasks.order_process", soft_time_limit=60, time_limit=90, **RETRYING)
def order_process(order_id: int) -> str:
    """A paid order: `processing`, and the confirmation email to the customer and one to each
    vendor, sent by this task once the processing committed (not by a send task of its own: the
    worker is here already, and a task costs it more than the sending, bench/README.md)."""
    from agora.notifications.services import notifications_send, notifications_sent_by_caller
    from agora.orders.services import order_process as process

    with notifications_sent_by_caller() as written:
        try:
            return process(order_id=order_id)
        finally:
            notifications_send(written)


@shared_task(name="agora.orders.tasks.payment_release", soft_time_limit=60, time_limit=90, **RETRYING)
def payment_release(payment_id: int) -> str:
    """Void or refund the payment of a cancelled/refunded order (retried while the provider is down)."""
    from agora.orders.services import order_release_payment

    return order_release_payment(payment_id=payment_id)


@shared_task(name="agora.orders.tasks.orders_expire_unpaid", ignore_result=True, soft_time_limit=240, time_limit=300)
def orders_expire_unpaid() -> int:
    """Beat: cancel pending_payment orders past ORDER_PAYMENT_TIMEOUT_MINUTES and release their stock."""
    from agora.orders.services import orders_expire_unpaid as expire

    return expire()


@shared_task(name="agora.orders.tasks.orders_redrive", ignore_result=True, soft_time_limit=50, time_limit=60)
def orders_redrive() -> int:
    """Beat: re-enqueue processing of paid orders it never reached (broker down at checkout)."""
    from agora.orders.services import orders_redrive as redrive

    return redrive()


@shared_task(name="agora.orders.tasks.flag_late_sub_orders", ignore_result=True, soft_time_limit=240, time_limit=300)
def flag_late_sub_orders() -> int:
    """Beat: tell vendors and staff (once) about paid sub-orders past the vendor's handling time."""
    from agora.orders.fulfilment import sub_orders_flag_late

    return sub_orders_flag_late()


@shared_task(
    name="agora.orders.tasks.idempotency_keys_cleanup", ignore_result=True, soft_time_limit=120, time_limit=180
)
def idempotency_keys_cleanup() -> int:
    """Beat: forget checkout Idempotency-Keys older than IDEMPOTENCY_KEY_TTL_HOURS (≥ 24 h)."""
    from agora.orders.services import idempotency_keys_cleanup as cleanup

    return cleanup()


@shared_task(
    name="agora.orders.tasks.products_popularity_refresh", ignore_result=True, soft_time_limit=240, time_limit=300
)
def products_popularity_refresh() -> int:
    """Beat, hourly: each product's units sold in the last 30 days, into the catalog (search ranking)."""
    from agora.orders.services import products_popularity_refresh as refresh

    return refresh()


@shared_task(name="agora.orders.tasks.order_popularity_update", ignore_result=True, acks_late=True)
def order_popularity_update(order_id: int) -> int:
    """After an order was paid, cancelled or refunded: its products' units sold (search ranking)."""
    from agora.orders.services import order_popularity_update as update

    return update(order_id=order_id)
