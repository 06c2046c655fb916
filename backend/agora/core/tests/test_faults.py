"""Fault injection on real services: the app degrades to clear errors and recovers by itself."""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from testing import services
from testing.server import GunicornServer
from testing.worker import wait_for

pytestmark = [pytest.mark.slow, services.needs_own_services]


def _get(url: str, token: str | None = None) -> tuple[int, dict, float]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})  # noqa: S310
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310 - loopback
            return r.status, json.loads(r.read() or b"{}"), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), time.monotonic() - started


@pytest.fixture
def server(tmp_path, transactional_db):
    srv = GunicornServer(tmp_path / "gunicorn.log").start()
    yield srv
    srv.stop()


def test_postgres_restart_under_load_fails_fast_with_503_and_recovers(server, user):
    from rest_framework_simplejwt.tokens import RefreshToken

    token = str(RefreshToken.for_user(user).access_token)
    url = f"{server.url}/api/v1/me/"
    assert _get(url, token)[0] == 200

    results: list[tuple[int, dict, float]] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            results.append(_get(url, token))

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        services.postgres_stop()
        time.sleep(2)
        services.postgres_start()
        # then the same processes serve again, without a restart of the app
        wait_for(lambda: _get(url, token)[0] == 200, timeout=20, message="recovery after the restart")
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join()
        # this test process's own connection died with the server; reconnect for teardown
        from django.db import connections

        connections.close_all()

    statuses = {status for status, _, _ in results}
    assert statuses <= {200, 503}, statuses
    failures = [(body, took) for status, body, took in results if status == 503]
    assert failures, "the outage was not observed"
    assert all(body["error"]["code"] == "service_unavailable" for body, _ in failures)
    assert max(took for _, took in failures) < 5, "requests during the outage must fail fast"
    assert results[-1][0] == 200


def test_cache_down_still_serves_reads(server, user):
    from rest_framework_simplejwt.tokens import RefreshToken

    token = str(RefreshToken.for_user(user).access_token)
    services.redis_stop()
    try:
        status, body, took = _get(f"{server.url}/api/v1/me/", token)
        assert status == 200 and body["email"] == user.email
        assert took < 3
        ready = _get(f"{server.url}/health/ready/")
        assert ready[0] == 503 and ready[1]["checks"]["cache"]["status"] == "down"
    finally:
        services.redis_start()
