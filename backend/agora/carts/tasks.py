from celery import shared_task


@shared_task(name="agora.carts.tasks.carts_cleanup", ignore_result=True, soft_time_limit=120, time_limit=180)
def carts_cleanup() -> int:
    """Beat: deletes guest carts untouched for CART_GUEST_TTL_DAYS (idempotent)."""
    from agora.carts.services import carts_cleanup as cleanup

    return cleanup()
