"""What a cold public list costs (issue #18): the list requests of `make bench`'s cold phase and
of its mix (random page 1-5, random ordering, half of the mix's with a category), built from the
database on every request as on the bench's cold server (CATALOG_CACHE_TIMEOUT=0: the answers are
never cached, the catalog version's list index is). Through Django's test client (routing,
middleware, view, Redis, PostgreSQL), in-process; per request shape, prints the statements, the
time spent in them (as the client waits for PostgreSQL) and the CPU time of the Python process.

Against a seeded database (the one `make bench` fills, or seed one with bench/catalog_latency.py):
    cd backend && DATABASE_URL=postgres://… REDIS_URL=redis://… ../.venv/bin/python bench/list_cold.py [--n 200]
"""

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, default=200, help="requests per shape and round")
parser.add_argument("--rounds", type=int, default=3, help="rounds; each figure is the median of the rounds")
args = parser.parse_args()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from agora.catalog.models import Category  # noqa: E402
from agora.catalog.selectors import public_products  # noqa: E402

settings.CATALOG_CACHE_TIMEOUT = 0
client = Client(HTTP_HOST="localhost")
ORDERINGS = ["", "price", "-price", "name", "-created_at"]
leaves = [slug for slug, path in Category.objects.values_list("slug", "path") if "/" in path]
parents = [slug for slug, path in Category.objects.values_list("slug", "path") if "/" not in path]
vendors = list(public_products().values_list("vendor__slug", flat=True).distinct())
SHAPES = {
    "no filter (the cold phase)": lambda: "",
    "leaf category": lambda: f"category={random.choice(leaves)}",
    "parent category": lambda: f"category={random.choice(parents)}",
    "vendor": lambda: f"vendor={random.choice(vendors)}",
}


def url(shape: str) -> str:
    params = [f"page={random.randint(1, 5)}"]
    if ordering := random.choice(ORDERINGS):
        params.append(f"ordering={ordering}")
    if extra := SHAPES[shape]():
        params.append(extra)
    return "/api/v1/products/?" + "&".join(params)


waited: list[float] = []


def timing(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        waited.append(time.perf_counter() - started)


def measure(urls: list[str]) -> tuple[float, float, float]:
    waited.clear()
    cpu = time.process_time()
    with connection.execute_wrapper(timing):
        for u in urls:
            response = client.get(u)
            assert response.status_code == 200, (u, response.status_code)
    cpu_ms = (time.process_time() - cpu) * 1000 / len(urls)
    return len(waited) / len(urls), sum(waited) * 1000 / len(urls), cpu_ms


print(f"public products: {public_products().count()}; {args.n} requests per shape, median of {args.rounds} rounds")
random.seed(11)
for shape in SHAPES:
    measure([url(shape) for _ in range(20)])  # warm up: connections, the list index, prepared statements
results: dict[str, list[tuple[float, float, float]]] = {shape: [] for shape in SHAPES}
for _ in range(args.rounds):
    for shape in SHAPES:
        results[shape].append(measure([url(shape) for _ in range(args.n)]))
for shape, rounds in results.items():
    statements = statistics.median(r[0] for r in rounds)
    database = statistics.median(r[1] for r in rounds)
    cpu = statistics.median(r[2] for r in rounds)
    print(f"{shape:28s} {statements:4.1f} statements  {database:6.2f} ms in PostgreSQL  {cpu:6.2f} ms CPU")
