from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "agora.catalog"
    label = "catalog"

    def ready(self) -> None:
        from agora.catalog import handlers  # noqa: F401 - subscribes to the vendors app's events
