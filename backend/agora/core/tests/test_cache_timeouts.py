"""Every cache write carries a timeout (issue 19, point 6).

The cache has a Redis of its own (the broker has another, with ``noeviction``). A key without a
TTL is never expired and, under ElastiCache's default ``volatile-*`` eviction, never evicted
either: enough of them fill the node and every write fails. So no code path may write one.
"""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django_redis import get_redis_connection

from agora.catalog.cache import invalidate_product_details, invalidate_public_catalog
from agora.catalog.tests.factories import ProductFactory
from agora.core.cache_versions import bump, current
from agora.core.tasks import worker_heartbeat

BACKEND = Path(__file__).resolve().parents[3]
WRITES = {"set": 2, "add": 2, "set_many": 1, "get_or_set": 2, "touch": 1}  # timeout's position


def _cache_writes_without_a_timeout(tree: ast.AST) -> list[int]:
    """Lines of cache.<write>(...) calls whose timeout is missing or None."""
    bad = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        target = node.func.value
        if node.func.attr not in WRITES or not (isinstance(target, ast.Name) and target.id == "cache"):
            continue
        timeout = next((k.value for k in node.keywords if k.arg == "timeout"), None)
        if timeout is None and len(node.args) > WRITES[node.func.attr]:
            timeout = node.args[WRITES[node.func.attr]]
        if timeout is None or (isinstance(timeout, ast.Constant) and timeout.value is None):
            bad.append(node.lineno)
    return bad


def test_no_code_writes_the_cache_without_a_timeout():
    offenders = []
    for path in sorted([*BACKEND.glob("agora/**/*.py"), *BACKEND.glob("config/**/*.py")]):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for line in _cache_writes_without_a_timeout(ast.parse(path.read_text(), str(path))):
            offenders.append(f"{path.relative_to(BACKEND)}:{line}")
    assert not offenders, f"cache writes without a timeout (or timeout=None): {offenders}"


def test_the_checker_finds_what_it_is_for():
    tree = ast.parse(
        "cache.set('k', 1)\ncache.add('k', 1, None)\ncache.set_many({}, timeout=None)\ncache.set('k', 1, 5)"
    )
    assert _cache_writes_without_a_timeout(tree) == [1, 2, 3]


def test_the_default_cache_timeout_is_finite():
    assert settings.CACHES["default"]["TIMEOUT"] is not None and settings.CACHES["default"]["TIMEOUT"] > 0


@pytest.mark.django_db
def test_every_key_the_app_writes_in_redis_expires(api_client, django_capture_on_commit_callbacks):
    """Given the paths that write the cache (catalog list and detail, search, version counters,
    product stamps, login throttling, the worker heartbeat), then every key in Redis has a TTL."""
    product = ProductFactory.create(variants__price=Decimal("12.00"))
    with django_capture_on_commit_callbacks(execute=True):
        invalidate_public_catalog()
        invalidate_product_details([product.slug])
    assert api_client.get("/api/v1/products/").status_code == 200
    assert api_client.get(f"/api/v1/products/{product.slug}/").status_code == 200
    assert api_client.get("/api/v1/search/", {"q": product.name}).status_code == 200
    assert (
        api_client.post(
            "/api/v1/auth/token/", {"email": "nobody@example.com", "password": "wrong-passw0rd"}
        ).status_code
        == 401
    )
    current("test:some-counter")
    bump("test:some-counter")
    bump("test:missing-counter")
    worker_heartbeat()

    redis = get_redis_connection("default")
    keys = list(redis.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    assert len(keys) >= 8, keys  # the paths above really wrote
    without_ttl = [k.decode() for k in keys if redis.ttl(k) < 0]
    assert not without_ttl, f"cache keys that never expire: {without_ttl}"
    assert cache.get("worker:heartbeat")
