import pytest

from agora.core import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_readiness():
    health.forget_cached_readiness()
    yield
    health.forget_cached_readiness()


def test_liveness_is_ok_without_io(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        r = client.get("/health/")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readiness_checks_every_dependency(client):
    r = client.get("/health/ready/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "search"}
    assert all(c["status"] == "ok" for c in body["checks"].values())


def test_readiness_is_503_when_the_cache_is_down_with_the_reason_only_in_the_logs(client, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    r = client.get("/health/ready/")
    assert r.status_code == 503
    assert r.json() == {
        "status": "unavailable",
        "checks": {
            "database": {"status": "ok"},
            "cache": {"status": "down"},
            "broker": {"status": "ok"},
            "search": {"status": "ok"},
        },
    }
    assert "readiness check cache failed" in caplog.text and "127.0.0.1:1" in caplog.text


def test_readiness_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    r = client.get("/health/ready/")
    assert r.status_code == 503
    assert r.json()["checks"]["broker"]["status"] == "down"


def test_readiness_never_shows_internals_to_the_public(client, monkeypatch, caplog):
    def broken():
        raise ConnectionError("search cluster es-prod-1.internal.example:9200 unreachable")

    monkeypatch.setitem(health.CHECKS, "search", broken)
    r = client.get("/health/ready/")
    assert r.status_code == 503
    assert r.json()["checks"]["search"] == {"status": "down"}
    assert b"es-prod-1" not in r.content and b"unreachable" not in r.content and b"ms" not in r.content
    assert "es-prod-1.internal.example:9200 unreachable" in caplog.text, "the detail goes to the logs"


def test_readiness_is_cached_for_a_few_seconds(client, settings, monkeypatch):
    settings.HEALTH_READY_CACHE_SECONDS = 5
    calls = []
    monkeypatch.setitem(health.CHECKS, "database", lambda: calls.append(1))
    for _ in range(5):
        assert client.get("/health/ready/").status_code == 200
    assert len(calls) == 1, "probes within the cache window reuse the last result"
    health.forget_cached_readiness()
    client.get("/health/ready/")
    assert len(calls) == 2


def test_the_broker_check_reuses_its_connection(settings):
    import redis

    settings.HEALTH_READY_CACHE_SECONDS = 0
    stats = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    health.check_broker()  # the first check may connect
    before = stats.info("stats")["total_connections_received"]
    for _ in range(5):
        health.check_broker()
    after = stats.info("stats")["total_connections_received"]
    assert after == before, f"{after - before} new broker connections for 5 checks"


def test_liveness_answers_a_load_balancer_probing_by_ip(client, settings):
    settings.ALLOWED_HOSTS = ["shop.example.com"]
    r = client.get("/health/", HTTP_HOST="10.0.12.34:8000")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    # other paths still validate the host
    assert client.get("/api/v1/me/", HTTP_HOST="10.0.12.34:8000").status_code == 400


def test_the_load_test_ceiling_view_answers_only_when_turned_on(client, settings):
    assert client.get("/load-test/ceiling/").status_code == 404
    settings.LOAD_TEST_CEILING_VIEW = True
    response = client.get("/load-test/ceiling/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
