from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class NotificationsConfig(AppConfig):
    name = "agora.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Each app declares its emails in its own `notifications.py` (template name, sample
        # context); importing them here fills the registry before any request or task runs.
        autodiscover_modules("notifications")
        from agora.notifications import checks  # noqa: F401  (registers the mail settings' check)
