"""Search: one interface, chosen by settings.SEARCH_BACKEND ("postgres" or "elasticsearch")."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

BACKENDS = {
    "postgres": "agora.search.backends.postgres.PostgresBackend",
    "elasticsearch": "agora.search.backends.elasticsearch.ElasticsearchBackend",
}


@cache
def _backend_for(name: str):
    try:
        return import_string(BACKENDS[name])()
    except KeyError:
        raise ValueError(f"Unknown SEARCH_BACKEND {name!r}; expected one of {sorted(BACKENDS)}") from None


def get_backend():
    return _backend_for(settings.SEARCH_BACKEND)
