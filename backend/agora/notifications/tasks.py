"""Sending notifications on the `default` queue. Tasks take ids; the service sends each once."""

from celery import shared_task


@shared_task(
    name="agora.notifications.tasks.notification_send",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=60,
    time_limit=90,
)
def notification_send(notification_id: int, *also: int) -> int:
    """Sends the notification ``notification_id`` and then ``also`` (the others its transaction
    wrote) once each, over one connection. A failed one is retried by a task of its own, with
    backoff (the service counts attempts and fails the row at NOTIFICATION_MAX_ATTEMPTS); if the
    mail server fails twice in a row, the rest wait for that retry together. Returns how many
    were sent."""
    from agora.notifications.services import notifications_send

    return notifications_send((notification_id, *also))


@shared_task(
    name="agora.notifications.tasks.notifications_redrive", ignore_result=True, soft_time_limit=50, time_limit=60
)
def notifications_redrive() -> int:
    """Beat: re-send the task of queued notifications whose task was lost."""
    from agora.notifications.services import notifications_redrive as redrive

    return redrive()
