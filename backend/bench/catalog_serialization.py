"""DRF serializers over model instances vs the lean path (``.values()`` rows → dicts → orjson)
for the public product list and detail, at the database's current size (seeds 100k if empty).

    ../scripts/with-test-services.sh ../.venv/bin/python bench/catalog_serialization.py [--n 200]
"""

import argparse
import random
import time

from catalog_common import ensure_products, machine, setup, summary

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, default=200)
args = parser.parse_args()

setup()
ensure_products(100_000)

import orjson  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402

from agora.catalog import selectors  # noqa: E402
from agora.catalog.serializers import ProductDetailSerializer, ProductSummarySerializer  # noqa: E402

renderer = JSONRenderer()
slugs = list(selectors.public_products().values_list("slug", flat=True)[:5000])
random.seed(3)
print(f"machine: {machine()}")


def drf_list(size: int) -> bytes:
    page = list(selectors.public_product_models(filters={"ordering": "price"})[:size])
    return renderer.render(ProductSummarySerializer(page, many=True).data)


def lean_list(size: int) -> bytes:
    rows = list(selectors.public_product_rows(filters={"ordering": "price"})[:size])
    return orjson.dumps(selectors.summaries(rows))


def drf_detail(slug: str) -> bytes:
    return renderer.render(ProductDetailSerializer(selectors.public_product_model(slug=slug)).data)


def lean_detail(slug: str) -> bytes:
    return orjson.dumps(selectors.public_product_detail(slug=slug))


def bench(fn, *a) -> list[float]:
    samples = []
    for _ in range(args.n):
        started = time.perf_counter()
        fn(*a)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


assert orjson.loads(drf_list(20)) == orjson.loads(lean_list(20)), "list shapes differ"
assert orjson.loads(drf_detail(slugs[0])) == orjson.loads(lean_detail(slugs[0])), "detail shapes differ"
for size in (20, 100):
    drf, lean = bench(drf_list, size), bench(lean_list, size)
    ratio = sorted(drf)[len(drf) // 2] / sorted(lean)[len(lean) // 2]
    print(f"list page of {size:3d}: DRF  {summary(drf)}")
    print(f"                 lean {summary(lean)}   lean is {ratio:.2f}x faster (p50)")
drf = [bench(drf_detail, random.choice(slugs))[0] for _ in range(args.n)]
lean = [bench(lean_detail, random.choice(slugs))[0] for _ in range(args.n)]
ratio = sorted(drf)[len(drf) // 2] / sorted(lean)[len(lean) // 2]
print(f"detail:          DRF  {summary(drf)}")
print(f"                 lean {summary(lean)}   lean is {ratio:.2f}x faster (p50)")
