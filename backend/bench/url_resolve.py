"""What resolving a request's path costs, in-process (issue #18): the storefront's and the
portal's paths through the project's URLconf, and through the same routes as Django's plain
resolver tries them (every v1 route in order), interleaved rounds, best round each.

    cd backend && ../.venv/bin/python bench/url_resolve.py [--rounds 7]
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PATHS = [
    "/api/v1/products/",
    "/api/v1/products/a-product-slug/",
    "/api/v1/search/",
    "/api/v1/cart/items/",
    "/api/v1/checkout/",
    "/api/v1/orders/",
    "/api/v1/vendor/products/12/",
    "/api/v1/payouts/stripe/webhook/",
]


def best_us(resolver, path: str, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        resolver.resolve(path)
    return (time.perf_counter() - started) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.urls import URLResolver, get_resolver
    from django.urls.resolvers import RegexPattern, RoutePattern

    from config.urls import api_v1

    project = get_resolver()
    plain = URLResolver(
        RegexPattern(r"^/"),
        [
            URLResolver(RoutePattern("api/v1/"), api_v1) if str(p.pattern) == "api/v1/" else p
            for p in project.url_patterns
        ],
    )
    for path in PATHS:  # both give the same view and arguments
        a, b = project.resolve(path), plain.resolve(path)
        assert (a.func, a.kwargs, a.url_name) == (b.func, b.kwargs, b.url_name), path
    best = {(name, path): float("inf") for name in ("plain", "indexed") for path in PATHS}
    for _ in range(args.rounds):
        for path in PATHS:
            best["plain", path] = min(best["plain", path], best_us(plain, path, args.requests))
            best["indexed", path] = min(best["indexed", path], best_us(project, path, args.requests))
    print(f"\nin-process, {args.rounds} rounds x {args.requests} resolutions, best round\n")
    print("| path | every route in order, µs | the path's group, µs |")
    print("|---|---|---|")
    for path in PATHS:
        print(f"| `{path}` | {best['plain', path]:.1f} | {best['indexed', path]:.1f} |")


if __name__ == "__main__":
    main()
