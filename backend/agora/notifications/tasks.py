"""Sending notifications on the `default` queue. Tasks take ids; the service sends each once."""

from typing import Any

from celery import Task, shared_task


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
def notification_send(self: Task[Any, Any], notification_id: int) -> str:
    from agora.notifications.models import Notification
    from agora.notifications.services import notification_send as send
    from agora.notifications.services import retry_delay

    try:
        return send(notification_id=notification_id)
    except Exception as exc:
        row = Notification.objects.filter(pk=notification_id).values("status", "attempts").first()
        if row is None or row["status"] != Notification.Status.QUEUED:
            raise  # given up on (or gone): nothing left to retry
        raise self.retry(exc=exc, countdown=retry_delay(row["attempts"])) from exc


@shared_task(
    name="agora.notifications.tasks.notifications_redrive", ignore_result=True, soft_time_limit=50, time_limit=60
)
def notifications_redrive() -> int:
    """Beat: re-send the task of queued notifications whose task was lost."""
    from agora.notifications.services import notifications_redrive as redrive

    return redrive()
