import pytest

from agora.core import health

pytestmark = pytest.mark.django_db


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


def test_readiness_is_503_with_detail_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    r = client.get("/health/ready/")
    assert r.status_code == 503
    checks = r.json()["checks"]
    assert checks["cache"]["status"] == "down" and "error" in checks["cache"]
    assert checks["database"]["status"] == "ok"


def test_readiness_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    r = client.get("/health/ready/")
    assert r.status_code == 503
    assert r.json()["checks"]["broker"]["status"] == "down"


def test_readiness_reports_a_failing_search_backend(client, monkeypatch):
    def broken():
        raise ConnectionError("search cluster unreachable")

    monkeypatch.setitem(health.CHECKS, "search", broken)
    r = client.get("/health/ready/")
    assert r.status_code == 503
    assert "unreachable" in r.json()["checks"]["search"]["error"]


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
