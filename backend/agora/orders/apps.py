from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "agora.orders"
    label = "orders"

    def ready(self) -> None:
        from agora.orders import handlers  # noqa: F401 - subscribes to the payments app's events
