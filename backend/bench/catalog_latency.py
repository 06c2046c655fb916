"""Public product list and detail latency at 100k products, through Django's test client
(the whole request path: URL routing, middleware, view, cache, database, JSON).

"cold" bumps the catalog cache version before every request, so each one is built from the
database; "warm" is served from Redis.

    ../scripts/with-test-services.sh ../.venv/bin/python bench/catalog_latency.py [--n 300]
"""

import argparse
import random
import time

from catalog_common import ensure_products, machine, setup, summary

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, default=300)
args = parser.parse_args()

setup()
ensure_products(100_000)

from django.test import Client  # noqa: E402

from agora.catalog.cache import _bump  # noqa: E402
from agora.catalog.selectors import public_products  # noqa: E402

client = Client(HTTP_HOST="localhost")
slugs = list(public_products().values_list("slug", flat=True))
vendor = public_products().values_list("vendor__slug", flat=True).first()
print(f"machine: {machine()}; public products: {len(slugs)}")
random.seed(7)

LISTS = {
    "list default": "/api/v1/products/",
    "list ordering=price": "/api/v1/products/?ordering=price",
    "list category=home (subtree)": "/api/v1/products/?category=home",
    "list category=audio&ordering=-price": "/api/v1/products/?category=audio&ordering=-price",
    f"list vendor={vendor}": f"/api/v1/products/?vendor={vendor}",
    "list min_price=50&max_price=60&in_stock=true": "/api/v1/products/?min_price=50&max_price=60&in_stock=true",
    "list page_size=100&page=50": "/api/v1/products/?page_size=100&page=50",
}


def timed(url: str, cold: bool) -> float:
    if cold:
        _bump()
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code, response.content[:200])
    return elapsed


for _ in range(20):  # warm up connections and code paths
    timed("/api/v1/products/", cold=True)

for label, url in LISTS.items():
    cold = [timed(url, cold=True) for _ in range(args.n)]
    warm = [timed(url, cold=False) for _ in range(args.n)]
    print(f"{label:48s} cold {summary(cold)}")
    print(f"{'':48s} warm {summary(warm)}")

detail_cold = [timed(f"/api/v1/products/{random.choice(slugs)}/", cold=True) for _ in range(args.n)]
hot = random.choice(slugs)
detail_warm = [timed(f"/api/v1/products/{hot}/", cold=False) for _ in range(args.n)]
print(f"{'detail (random product)':48s} cold {summary(detail_cold)}")
print(f"{'detail (same product)':48s} warm {summary(detail_warm)}")
