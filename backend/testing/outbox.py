"""What the worker does with the notification outbox, for tests that run without one."""

from django.core import mail

from agora.notifications.models import Notification
from agora.notifications.services import notification_send


def deliver_all() -> list:
    """Sends every queued notification (once each, as the worker would); returns the emails."""
    for pk in Notification.objects.filter(status="queued").values_list("pk", flat=True):
        notification_send(notification_id=pk)
    return mail.outbox
