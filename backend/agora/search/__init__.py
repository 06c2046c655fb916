"""Search: one interface, chosen by settings.SEARCH_BACKEND ("postgres" or "elasticsearch")."""

from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from agora.search.types import SearchBackend

BACKENDS = {
    "postgres": "agora.search.backends.postgres.PostgresBackend",
    "elasticsearch": "agora.search.backends.elasticsearch.ElasticsearchBackend",
}


@cache
def _backend_for(name: str) -> "SearchBackend":
    try:
        backend: SearchBackend = import_string(BACKENDS[name])()
    except KeyError:
        raise ValueError(f"Unknown SEARCH_BACKEND {name!r}; expected one of {sorted(BACKENDS)}") from None
    return backend


def get_backend() -> "SearchBackend":
    return _backend_for(settings.SEARCH_BACKEND)
