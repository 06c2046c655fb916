"""Sending notifications on the `default` queue. Tasks take ids; the service sends each once."""

import logging
from typing import Any

from celery import Task, shared_task

logger = logging.getLogger("agora.notifications")


@shared_task(
    name="agora.notifications.tasks.notification_send",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,  # the service counts attempts and fails the row at NOTIFICATION_MAX_ATTEMPTS
    soft_time_limit=60,
    time_limit=90,
)
def notification_send(self: Task[Any, Any], notification_id: int, *also: int) -> str:
    """Sends the notification ``notification_id`` once, and then ``also`` (the others its
    transaction wrote). A failed send of one of ``also`` is retried by a task of its own."""
    from agora.notifications.services import notification_send as send
    from agora.notifications.services import notifications_send, retry_after

    try:
        outcome = send(notification_id=notification_id)
    except Exception as exc:
        notifications_send(also)
        delay = retry_after(notification_id=notification_id)
        if delay is None:
            raise  # given up on (or gone): nothing left to retry
        raise self.retry(args=(notification_id,), exc=exc, countdown=delay) from exc
    notifications_send(also)
    return outcome


@shared_task(
    name="agora.notifications.tasks.notifications_redrive", ignore_result=True, soft_time_limit=50, time_limit=60
)
def notifications_redrive() -> int:
    """Beat: re-send the task of queued notifications whose task was lost."""
    from agora.notifications.services import notifications_redrive as redrive

    return redrive()
