"""Readiness checks of every dependency: database, cache and broker here; apps register their own.

Core sits below every app, so it never imports one: an app whose dependency the readiness probe
must cover (search: its backend) registers a check in its ``AppConfig.ready()`` with
``register_check(name, check)``. A check raises when its dependency is down.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection

logger = logging.getLogger("agora.health")


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    # The cache is configured to swallow errors (reads fall back to the database),
    # so readiness asks Redis directly.
    from django_redis import get_redis_connection

    get_redis_connection("default").ping()


def check_broker() -> None:
    from config.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def register_check(name: str, check: Callable[[], None]) -> None:
    """Adds (or replaces) a readiness check; apps call it from ``AppConfig.ready()``."""
    CHECKS[name] = check


def run_checks() -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "down", with its reason
            logger.warning("readiness check %s failed: %s", name, exc)
            results[name] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}
    return results
