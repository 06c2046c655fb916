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

    try:
        outcome = send(notification_id=notification_id)
    except Exception as exc:
        _send_each(self, also)
        delay = _retry_delay(notification_id)
        if delay is None:
            raise  # given up on (or gone): nothing left to retry
        raise self.retry(args=(notification_id,), exc=exc, countdown=delay) from exc
    _send_each(self, also)
    return outcome


def _send_each(task: Task[Any, Any], ids: tuple[int, ...]) -> None:
    from agora.notifications.services import notification_send as send

    for pk in ids:
        try:
            send(notification_id=pk)
        except Exception:  # recorded on the row by the service; retried by a task of its own
            delay = _retry_delay(pk)
            logger.warning("notification %s not sent (%s)", pk, "retrying" if delay else "given up", exc_info=True)
            if delay is not None:
                _retry_alone(task, pk, delay)


def _retry_alone(task: Task[Any, Any], notification_id: int, delay: int) -> None:
    try:
        task.apply_async(args=(notification_id,), countdown=delay)
    except Exception:
        # Still queued in the outbox: the beat re-drive sends it once it is due.
        logger.exception("could not schedule the retry of notification %s", notification_id)


def _retry_delay(notification_id: int) -> int | None:
    """Seconds before the next try of a notification still queued after a failed send; None for
    one given up on (or gone)."""
    from agora.notifications.models import Notification
    from agora.notifications.services import retry_delay

    row = Notification.objects.filter(pk=notification_id).values("status", "attempts").first()
    if row is None or row["status"] != Notification.Status.QUEUED:
        return None
    return retry_delay(row["attempts"])


@shared_task(
    name="agora.notifications.tasks.notifications_redrive", ignore_result=True, soft_time_limit=50, time_limit=60
)
def notifications_redrive() -> int:
    """Beat: re-send the task of queued notifications whose task was lost."""
    from agora.notifications.services import notifications_redrive as redrive

    return redrive()
