"""Readiness checks of every dependency: database, cache and broker here; apps register their own.

Core sits below every app, so it never imports one: an app whose dependency the readiness probe
must cover (search: its backend) registers a check in its ``AppConfig.ready()`` with
``register_check(name, check)``. A check raises when its dependency is down.

The public probe (/health/ready/) answers only each dependency's status, from a result cached
in the process for HEALTH_READY_CACHE_SECONDS, so a flood of probes costs one round of checks;
why a check failed (hostnames, exception text) goes to the logs only. `check_services` (ops)
prints the details.
"""

import logging
import threading
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


_broker_clients: dict[str, object] = {}


def _redis_broker(url: str):
    """One client (and connection pool) per broker URL for the process: a check is a PING on a
    kept connection, not a new connection per probe."""
    client = _broker_clients.get(url)
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2, health_check_interval=30)
        _broker_clients[url] = client
    return client


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        _redis_broker(url).ping()
        return
    from config.celery import app

    with app.connection_for_write(url) as conn:
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
            logger.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}
    return results


_cached: dict[str, tuple[float, bool, dict]] = {}
_lock = threading.Lock()


def readiness() -> tuple[bool, dict[str, dict]]:
    """(all ok, {dependency: {"status": "ok" | "down"}}) for the public probe, cached for
    HEALTH_READY_CACHE_SECONDS per process. Failures are logged by run_checks with their reason."""
    ttl = settings.HEALTH_READY_CACHE_SECONDS
    with _lock:
        hit = _cached.get("ready")
        if hit is not None and time.monotonic() - hit[0] < ttl:
            return hit[1], hit[2]
        results = run_checks()
        public = {name: {"status": result["status"]} for name, result in results.items()}
        ok = all(result["status"] == "ok" for result in results.values())
        _cached["ready"] = (time.monotonic(), ok, public)
        return ok, public


def forget_cached_readiness() -> None:
    with _lock:
        _cached.clear()
