"""Tasks that only test workers load (``celery worker -I testing.tasks``): they record what a
real worker did in Redis, so a test can watch shutdowns, redeliveries and failures from outside."""

import time

from celery import shared_task
from django_redis import get_redis_connection


def _redis():
    return get_redis_connection("default")


@shared_task(name="testing.tasks.sleep_then_record", acks_late=True, ignore_result=True)
def sleep_then_record(key: str, first_run_seconds: float, later_run_seconds: float = 0.2) -> int:
    """Records its start, sleeps (long on its first delivery, short on any redelivery), records its end."""
    runs = _redis().rpush(f"{key}:started", time.time())
    time.sleep(first_run_seconds if runs == 1 else later_run_seconds)
    _redis().rpush(f"{key}:finished", time.time())
    return runs


@shared_task(name="testing.tasks.fail_with_personal_data", ignore_result=True)
def fail_with_personal_data(email: str, card_last4: str) -> None:
    """Fails the way real code does: personal data in its arguments, its locals and its message."""
    customer = {"email": email, "card_last4": card_last4}
    raise RuntimeError(f"could not settle the order of {customer['email']}")
