"""What each middleware costs per request, in-process (issue #18).

Builds Django's WSGI handler with the first k entries of MIDDLEWARE for every k (prefixes, since a
middleware may need the ones before it: auth needs sessions), then times the load test's ceiling
view (a constant JSON body, /load-test/ceiling/) and a cached product list through each handler.
Rounds are interleaved (every handler once per round) so load from other work on the machine spreads
over all of them; each handler's figure is its best round (the least disturbed by other work), and a
middleware's cost is (best of the prefix with it) minus (best of the prefix without it). (The access log is measured live: the ceiling with
GUNICORN_ACCESSLOG empty, see bench/README.md.)

    cd backend && ../scripts/with-test-services.sh ../.venv/bin/python bench/middleware_cost.py [--rounds 15]
"""

import argparse
import io
import os
import statistics
import sys
import time

from catalog_common import setup


def environ(path: str, query: str = "") -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "bench",
        "HTTP_ACCEPT": "application/json",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def handler_for(middleware: list[str]):
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=middleware):
        handler = WSGIHandler()
    return handler


def per_request_us(handler, path: str, query: str, n: int) -> float:
    def start_response(status, headers, exc_info=None):
        assert status.startswith("200"), status

    started = time.perf_counter()
    for _ in range(n):
        body = handler(environ(path, query), start_response)
        b"".join(body)
        body.close()
    return (time.perf_counter() - started) / n * 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--n", type=int, default=300, help="requests per handler per round")
    args = parser.parse_args()
    os.environ["LOAD_TEST_CEILING_VIEW"] = "true"
    setup(migrate=True)
    from django.conf import settings

    settings.LOAD_TEST_CEILING_VIEW = True
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    full = list(settings.MIDDLEWARE)
    handlers = {"(no middleware)": handler_for([])}
    for k, name in enumerate(full, start=1):
        handlers[name] = handler_for(full[:k])
    targets = {"ceiling": ("/load-test/ceiling/", ""), "list (cached)": ("/api/v1/products/", "page=1")}
    for handler in handlers.values():  # warm: imports, URL resolver, the cached list answer
        for path, query in targets.values():
            per_request_us(handler, path, query, 20)

    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for target, (path, query) in targets.items():
            for name, handler in handlers.items():
                times.setdefault((target, name), []).append(per_request_us(handler, path, query, args.n))
    load = os.getloadavg()
    print(f"\nin-process, {args.rounds} rounds x {args.n} requests; load average {load[0]:.2f}, {load[1]:.2f}")
    for target in targets:
        full_us = min(times[(target, full[-1])])
        bare_us = min(times[(target, "(no middleware)")])
        print(f"\n## {target}: full stack {full_us:.0f} µs, no middleware {bare_us:.0f} µs\n")
        print("| middleware (in order) | cost per request, µs (best rounds) | median of rounds, µs |")
        print("|---|---|---|")
        before = "(no middleware)"
        for name in full:
            best = min(times[(target, name)]) - min(times[(target, before)])
            median = statistics.median(times[(target, name)]) - statistics.median(times[(target, before)])
            print(f"| {name} | {best:.0f} | {median:.0f} |")
            before = name
    return 0


if __name__ == "__main__":
    sys.exit(main())
