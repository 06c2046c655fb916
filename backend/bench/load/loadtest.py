"""Runs the load phases against a running stack on 127.0.0.1 and prints the figures.

Phases (each bounded in time): 1) the ceiling — a bare Django view; 2) each storefront read
alone at the same concurrency, as a ratio of the ceiling; 3) the storefront mix; 4) saturation:
the mix at rising concurrency until throughput stops growing, then the mix paced at 70 % of the
saturation throughput to report p95 there.

Usage (run.sh does this): python loadtest.py --host http://127.0.0.1:PORT [--duration 20]
"""

import argparse
import json
import sys
import time
from urllib.parse import urlparse

import gevent
import locustfile
from locust import constant_throughput
from locust.env import Environment

TARGETS = {"ratio_list_detail": 0.5, "search_p95_ms": 50, "checkout_p95_ms": 300}


def run(user_class, users: int, seconds: float, host: str, warmup: float = 2) -> dict:
    env = Environment(user_classes=[user_class], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)  # not measured: connections opened, caches filled
    env.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - started
    runner.quit()
    out = {}
    for (name, _method), e in env.stats.entries.items():
        if not e.num_requests:
            continue
        out[name] = {
            "requests": e.num_requests,
            "rps": e.num_requests / elapsed,
            "p50": e.get_response_time_percentile(0.5),
            "p95": e.get_response_time_percentile(0.95),
            "p99": e.get_response_time_percentile(0.99),
            "errors": e.num_failures,
        }
    total = sum(v["requests"] for v in out.values())
    out["_total"] = {"requests": total, "rps": total / elapsed, "errors": sum(v["errors"] for v in out.values())}
    return out


def table(title: str, rows: dict, ceiling_rps: float | None = None) -> None:
    print(f"\n## {title}\n")
    head = "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors |" + (" ratio of ceiling |" if ceiling_rps else "")
    print(head)
    print("|---|---|---|---|---|---|" + ("---|" if ceiling_rps else ""))
    for name, r in rows.items():
        if name.startswith("_"):
            continue
        ratio = f" {r['rps'] / ceiling_rps:.2f} |" if ceiling_rps else ""
        print(f"| {name} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['errors']} |{ratio}")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, default=16, help="concurrency for the ceiling and per-endpoint phases")
    parser.add_argument("--duration", type=float, default=20, help="seconds per phase")
    parser.add_argument("--steps", default="4,8,16,32,64", help="concurrency steps of the saturation search")
    parser.add_argument(
        "--warmup", type=float, default=15, help="unmeasured seconds before each read phase and the mix (warm caches)"
    )
    parser.add_argument("--json", help="write all figures here")
    args = parser.parse_args()
    if urlparse(args.host).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("load is only ever sent to this machine (127.0.0.1)")

    results: dict = {}
    ceiling = run(locustfile.Ceiling, args.users, args.duration, args.host)["ceiling"]
    results["ceiling"] = ceiling
    reads = {}
    for cls in (locustfile.ListOnly, locustfile.DetailOnly, locustfile.SearchOnly):
        r = run(cls, args.users, args.duration, args.host, warmup=args.warmup)
        reads.update({k: v for k, v in r.items() if not k.startswith("_")})
    results["reads_alone"] = reads
    table(
        f"Ceiling and reads alone ({args.users} concurrent clients, {args.duration:.0f} s each)",
        {"ceiling (bare view)": ceiling, **reads},
        ceiling["rps"],
    )

    mix = run(locustfile.Shopper, args.users, args.duration * 2, args.host, warmup=args.warmup)
    results["mix"] = mix
    table(f"Storefront mix ({args.users} concurrent clients, {args.duration * 2:.0f} s)", mix)

    steps = []
    best = 0.0
    for users in (int(s) for s in args.steps.split(",")):
        r = run(locustfile.Shopper, users, args.duration, args.host)["_total"]
        steps.append({"users": users, "rps": r["rps"], "errors": r["errors"]})
        print(f"saturation search: {users:>3} clients -> {r['rps']:.0f} req/s, {r['errors']} errors")
        if r["rps"] < best * 1.05:
            break
        best = max(best, r["rps"])
    peak = max(steps, key=lambda s: s["rps"])
    saturation = peak["rps"]
    results["saturation"] = {"steps": steps, "rps": saturation, "users": peak["users"]}

    # Paced at the concurrency that reached the peak: more clients than that only add contention
    # (2 cores), so pacing more of them would measure a server past its own saturation.
    paced_users = peak["users"]
    locustfile.Shopper.wait_time = constant_throughput(0.7 * saturation / paced_users)
    at70 = run(locustfile.Shopper, paced_users, args.duration * 2, args.host)
    results["at_70_percent"] = at70
    table(f"Mix paced at 70 % of saturation ({0.7 * saturation:.0f} req/s target, {paced_users} clients)", at70)

    checks = {
        "list ≥ 0.5 x ceiling": reads["list"]["rps"] / ceiling["rps"] >= TARGETS["ratio_list_detail"],
        "detail ≥ 0.5 x ceiling": reads["detail"]["rps"] / ceiling["rps"] >= TARGETS["ratio_list_detail"],
        "search p95 ≤ 50 ms (70 % load)": at70.get("search", {}).get("p95", 1e9) <= TARGETS["search_p95_ms"],
        "checkout p95 ≤ 300 ms (70 % load)": at70.get("checkout", {}).get("p95", 1e9) <= TARGETS["checkout_p95_ms"],
        "0 errors": all(r.get("_total", {}).get("errors", 0) == 0 for r in (mix, at70)),
    }
    print(f"\nsaturation: {saturation:.0f} req/s (mix); ceiling: {ceiling['rps']:.0f} req/s")
    for name, ok in checks.items():
        print(f"  [{'x' if ok else ' '}] {name}")
    results["checks"] = checks
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
