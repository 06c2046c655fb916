"""The search backend's readiness check (registered with agora.core.health)."""

from agora.search import get_backend


def check_search() -> None:
    get_backend().health()
