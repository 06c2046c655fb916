"""Search benchmark: seeds N products (100k by default), builds the index, runs a fixed set of
queries and prints p50/p95/p99 of ``GET /api/v1/search/`` (in-process, through middleware and
DRF) and of the backend call alone.

Run from backend/, on throwaway servers:

    ../scripts/with-test-services.sh ../.venv/bin/python bench/search_bench.py [--products 100000]

Seeding uses the catalog's ``seed_demo`` (bulk inserts; idempotent, so a second run on the same
database skips it), then ``search_rebuild`` builds the index. The query set is fixed and
deterministic: single words, two words, one-typo words, prefixes, each with and without filters
(category incl. descendants, vendor, price range, in stock, price ordering).
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from urllib.parse import urlencode

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SEARCH_BACKEND", "postgres")
# The figures are for computing answers; the answer cache (SEARCH_CACHE_TIMEOUT) would hide them.
os.environ.setdefault("SEARCH_CACHE_TIMEOUT", "0")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from agora.catalog.management.commands.seed_demo import ADJECTIVES, CATALOG, CATEGORIES, VENDORS  # noqa: E402
from agora.search import get_backend  # noqa: E402
from agora.search.documents import public_products  # noqa: E402
from agora.search.selectors import hidden_vendor_ids  # noqa: E402
from agora.search.types import PageRequest, SearchFilters  # noqa: E402


def _typo(word: str, n: int) -> str:
    """One edit (substitution, deletion or insertion, by turn) in the middle of ``word``."""
    i = len(word) // 2
    kind = n % 3
    if kind == 0:
        return word[:i] + ("x" if word[i] != "x" else "z") + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + "e" + word[i:]


def query_set() -> list[tuple[str, str, dict]]:
    """(kind, q, filters) — at least 200, deterministic."""
    nouns = sorted({w for names, _ in CATALOG.values() for name in names for w in name.lower().split() if w.isalpha()})
    adjectives = sorted({a.split()[0].lower() for a in ADJECTIVES})
    singles = [w for w in nouns + adjectives if len(w) >= 3]
    leaf_categories = [slug for slug, _, parent in CATEGORIES if parent]
    top_categories = [slug for slug, _, parent in CATEGORIES if not parent]
    vendors = [slug for _, slug in VENDORS]
    filters = [
        {"category": top_categories[0]},
        {"category": leaf_categories[3]},
        {"vendor": vendors[1]},
        {"min_price": Decimal("20"), "max_price": Decimal("80")},
        {"in_stock": True, "ordering": "price"},
        {"category": top_categories[1], "max_price": Decimal("100"), "ordering": "-price"},
    ]
    queries: list[tuple[str, str, dict]] = []
    for n, word in enumerate(singles[:40]):
        queries.append(("one word", word, {}))
        queries.append(("one word + filters", word, filters[n % len(filters)]))
    for n in range(40):
        a, b = adjectives[n % len(adjectives)], nouns[(n * 7) % len(nouns)]
        queries.append(("two words", f"{a} {b}", {}))
        queries.append(("two words + filters", f"{a} {b}", filters[n % len(filters)]))
    long_words = [w for w in singles if len(w) >= 4]
    for n, word in enumerate(long_words[:30]):
        queries.append(("typo", _typo(word, n), {}))
        queries.append(("typo + filters", _typo(word, n), filters[n % len(filters)]))
    for n, word in enumerate(long_words[:30]):
        prefix = word[: 3 + n % 3]
        queries.append(("prefix", prefix, {}))
        queries.append(("prefix + filters", f"{adjectives[n % len(adjectives)]} {prefix}", filters[n % len(filters)]))
    return queries


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    qs = statistics.quantiles(ordered, n=100, method="inclusive")
    return f"p50 {qs[49]:6.1f} ms   p95 {qs[94]:6.1f} ms   p99 {qs[98]:6.1f} ms   (n={len(ordered)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1, help="measured passes over the query set (after a warm-up)")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    existing = public_products().count()
    if existing < args.products:
        started = time.perf_counter()
        call_command("seed_demo", products=args.products, verbosity=0)
        print(f"seeded {args.products - existing} products in {time.perf_counter() - started:.1f} s")
    backend = get_backend()
    started = time.perf_counter()
    call_command("search_rebuild", "--no-progress", verbosity=0)
    print(
        f"search_rebuild ({backend.name}): {public_products().count()} products in {time.perf_counter() - started:.1f} s"
    )
    with connection.cursor() as cursor:
        # A rebuild rewrites every row: measure the steady state autovacuum reaches on its own
        # (dead row versions would otherwise double the heap pages a broad word visits, or not,
        # depending on when autovacuum happened to run).
        cursor.execute("VACUUM (ANALYZE) search_searchdocument, search_searchword")
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('search_searchdocument')), (SELECT count(*) FROM search_searchword)"
        )
        size, words = cursor.fetchone()
    print(f"documents table with indexes: {size}; lexicon: {words} words")

    queries = query_set()
    client = Client(HTTP_HOST="localhost")
    by_kind_backend: dict[str, list[float]] = {}
    http, backend_only, suggest = [], [], []
    excluded = hidden_vendor_ids()

    def run(measure: bool) -> None:
        for kind, q, filt in queries:
            params = {k: v for k, v in filt.items() if k != "ordering"}
            filters = SearchFilters(**params, exclude_vendor_ids=excluded)
            t0 = time.perf_counter()
            result = backend.search(q, filters, filt.get("ordering"), PageRequest(1, 20))
            t1 = time.perf_counter()
            response = client.get(
                "/api/v1/search/?"
                + urlencode({"q": q, **{k: str(v).lower() if isinstance(v, bool) else v for k, v in filt.items()}})
            )
            t2 = time.perf_counter()
            assert response.status_code == 200, (q, filt, response.content[:300])
            assert response.json()["count"] == result.total, (q, filt)
            t3 = time.perf_counter()
            client.get("/api/v1/search/suggest/?" + urlencode({"q": q[:4]}))
            t4 = time.perf_counter()
            if measure:
                backend_only.append((t1 - t0) * 1000)
                http.append((t2 - t1) * 1000)
                suggest.append((t4 - t3) * 1000)
                by_kind_backend.setdefault(kind, []).append((t1 - t0) * 1000)

    run(measure=False)  # warm-up: caches, plans, connections
    for _ in range(args.rounds):
        run(measure=True)

    totals = [
        backend.search(q, SearchFilters(**{k: v for k, v in f.items() if k != "ordering"}), None, PageRequest()).total
        for _, q, f in queries
    ]
    print(f"\n{len(queries)} queries x {args.rounds} round(s), {args.products} products, backend {backend.name}")
    print(f"matches per query: median {statistics.median(totals):.0f}, max {max(totals)}, zero for {totals.count(0)}")
    print(f"backend.search()        {percentiles(backend_only)}")
    print(f"GET /api/v1/search/     {percentiles(http)}")
    print(f"GET /api/v1/search/suggest/ {percentiles(suggest)}")
    print("\nbackend.search() by kind:")
    for kind, samples in by_kind_backend.items():
        print(f"  {kind:22s} {percentiles(samples)}")


if __name__ == "__main__":
    main()
