"""Checkout latency over HTTP on 127.0.0.1: p50/p95/p99 of a few hundred sequential checkouts.

Production-like: gunicorn with the project's config (config/gunicorn.conf.py, gthread workers),
real PostgreSQL and Redis (the broker receives the processing task of every order), the dummy
gateway. Each checkout is a guest cart with three lines from three vendors; cart creation and
add-to-cart are not timed, only `POST /api/v1/checkout/`. Target: p95 ≤ 300 ms.

Run from backend/ (throwaway servers):
    ../scripts/with-test-services.sh ../.venv/bin/python bench/checkout_bench.py [--checkouts 300]
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid

from catalog_common import BACKEND, pct, setup, summary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_catalog() -> list[int]:
    from decimal import Decimal

    from agora.carts.tests.factories import sellable_variant
    from agora.orders.tests.helpers import shipping_methods
    from agora.vendors.tests.factories import VendorFactory

    shipping_methods()
    return [
        sellable_variant(price=str(Decimal("9.99") * (i + 1)), stock=1_000_000, vendor=VendorFactory()).pk
        for i in range(3)
    ]


class Api:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
        payload = json.dumps(body) if body is not None else None
        self.conn.request(method, path, payload, {"Content-Type": "application/json", **(headers or {})})
        response = self.conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else {}


def checkout_once(api: Api, variant_ids: list[int]) -> float:
    _, cart = api.call("POST", "/api/v1/carts/")
    token = {"X-Cart-Token": cart["token"]}
    for pk in variant_ids:
        status, _ = api.call("POST", "/api/v1/cart/items/", {"variant_id": pk, "quantity": 1}, token)
        assert status == 201, status
    body = {
        "email": "bench@example.com",
        "shipping_address": {
            "full_name": "Bench Buyer",
            "line1": "1 Loop Road",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        },
        "shipping_method": "standard",
        "payment_method": "dummy",
        "payment_token": "tok_ok",
    }
    started = time.perf_counter()
    status, answer = api.call("POST", "/api/v1/checkout/", body, {**token, "Idempotency-Key": uuid.uuid4().hex})
    elapsed = (time.perf_counter() - started) * 1000
    assert status == 201 and answer["status"] == "paid", (status, answer)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkouts", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    setup()
    variant_ids = make_catalog()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"],
        cwd=BACKEND,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if Api(port).call("GET", "/health/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not come up")
            time.sleep(0.2)
        api = Api(port)
        for _ in range(args.warmup):
            checkout_once(api, variant_ids)
        samples = [checkout_once(api, variant_ids) for _ in range(args.checkouts)]
    finally:
        server.terminate()
        server.wait(20)

    print(f"checkout (3 vendors, dummy gateway, sequential, HTTP on 127.0.0.1, {env['WEB_CONCURRENCY']} workers)")
    print(f"  {summary(samples)}  p99 {pct(samples, 99):6.2f} ms  max {max(samples):6.2f} ms")
    print(f"  target p95 <= 300 ms: {'met' if pct(samples, 95) <= 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
