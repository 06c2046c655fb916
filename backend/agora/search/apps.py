from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "agora.search"
    label = "search"

    def ready(self) -> None:
        from agora.core.health import register_check
        from agora.search import handlers  # noqa: F401 - subscribes to the catalog's "products changed"
        from agora.search.health import check_search

        register_check("search", check_search)
