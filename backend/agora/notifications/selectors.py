from django.db.models import QuerySet

from agora.notifications.models import Notification


def notifications_to(*, email: str) -> QuerySet[Notification]:
    """The emails recorded for an address (a person's data export lists them)."""
    return Notification.objects.filter(to__iexact=email).order_by("created_at", "pk")
