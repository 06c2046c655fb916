"""Runs the load phases against a running stack on 127.0.0.1 and prints the figures.

Phases (each bounded in time; ``--phases`` picks a subset): 1) ``ceiling`` — a bare Django view,
always measured, and the same view with no middleware and no access log (``--bare-host``); 2) ``reads``: each cached storefront read alone at the same concurrency; 3) ``cold``:
list and detail alone against a second server with the catalog cache off (``--cold-host``);
4) ``cart``: add to cart alone (guests with ~10 lines); 5) ``mix``: the storefront mix;
6) ``saturation``: the mix at rising concurrency until throughput stops growing, then the mix paced
at 70 % of the saturation throughput to report p95 there; 7) ``history``: a page of order history
at low load (one client; after the mix, whose checkouts made the orders). Every phase prints its ratio to the
ceiling of the same run and the machine's load average (the machine is shared).

Usage (run.sh does this): python loadtest.py --host http://127.0.0.1:PORT --cold-host http://127.0.0.1:PORT2
[--duration 20] [--phases ceiling,cold,cart] [--profile-dir DIR --server-pids main=PID,cold=PID,worker=PID]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from urllib.parse import urlparse

import cpu as cpu_usage
import gevent
import locustfile
from locust import constant_throughput
from locust.env import Environment

TARGETS = {"ratio_list_detail": 0.5, "search_p95_ms": 50, "checkout_p95_ms": 300}
# Issue #18: ratios of the ceiling measured in the same run.
RATIO_TARGETS = {
    "list_cold": 0.15,
    "detail_cold": 0.3,
    "add_to_cart": 0.15,
    "search": 0.4,
    "mix saturation": 0.25,
}
# Issue #18: the stack's ceiling within 10 % of the same view with no middleware and no access log.
BARE_TARGET = 0.9
# Issue #18: a page of order history at low load (one client), p50 in ms.
HISTORY_P50_MS = 10
PHASES = ("ceiling", "reads", "cold", "cart", "mix", "saturation", "history")


class Profiler:
    """py-spy flame graphs, one per phase, of every gunicorn worker (``--profile-dir``).

    Samples the master's subprocesses (the workers) for the measured part of a phase; the SVGs
    land in the directory as <phase>.svg. py-spy comes from the bench requirements, not production."""

    def __init__(self, out_dir: str | None, pids: dict[str, int], pyspy: str):
        self.out_dir, self.pids, self.pyspy = out_dir, pids, pyspy
        self.procs: list[subprocess.Popen] = []

    def start(self, name: str, server: str, seconds: float) -> None:
        if not self.out_dir or server not in self.pids:
            return
        os.makedirs(self.out_dir, exist_ok=True)
        # The web server's workers, and the Celery worker's pool (what the phase's requests queued
        # for it) as <phase>-worker.
        targets = [(name, self.pids[server])]
        if "worker" in self.pids:
            targets.append((f"{name}-worker", self.pids["worker"]))
        self.procs = [self._record(out, pid, seconds) for out, pid in targets]

    def _record(self, name: str, pid: int, seconds: float) -> subprocess.Popen:
        raw = os.environ.get("PROFILE_RAW")
        return subprocess.Popen(  # nosec B603  # fixed argv, our own binary
            [
                self.pyspy,
                "record",
                "--pid",
                str(pid),
                "--subprocesses",
                "--nonblocking",
                *(["--gil"] if os.environ.get("PROFILE_GIL") else []),
                "--rate",
                "97",
                "--duration",
                str(max(1, int(seconds))),
                "--format",
                "raw" if raw else "flamegraph",
                "--output",
                os.path.join(self.out_dir, f"{name}.{'txt' if raw else 'svg'}"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        for proc in self.procs:
            proc.wait(timeout=60)
        self.procs = []


PROFILER = Profiler(None, {}, "py-spy")


def run(
    user_class,
    users: int,
    seconds: float,
    host: str,
    warmup: float = 2,
    profile: str | None = None,
    server: str = "main",
    cpu: bool = False,
) -> dict:
    env = Environment(user_classes=[user_class], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)  # not measured: connections opened, caches filled
    env.stats.reset_all()
    if profile:
        PROFILER.start(profile, server, seconds)
    before = cpu_usage.snapshot() if cpu else {}
    machine_before = cpu_usage.machine_snapshot() if cpu else {}
    started = time.monotonic()
    gevent.sleep(seconds / 2)
    connections = cpu_usage.connections_by_process(urlparse(host).port or 80)
    gevent.sleep(seconds / 2)
    elapsed = time.monotonic() - started
    after = cpu_usage.snapshot() if cpu else {}
    machine_after = cpu_usage.machine_snapshot() if cpu else {}
    runner.quit()
    if profile:
        PROFILER.stop()
    out = {}
    for (name, _method), e in env.stats.entries.items():
        if not e.num_requests or name == "new_cart":
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
    if before and after:
        out["_cpu"] = cpu_usage.cores_by_group(before, after, elapsed)
    if machine_before and machine_after:
        out["_machine"] = cpu_usage.machine_cores(machine_before, machine_after, elapsed)
    if connections:
        out["_connections"] = connections
    return out


def cpu_per_request(measured: dict) -> str:
    """Cores each part of the stack used during a phase, and its CPU per request ("" without /proc)."""
    if "_cpu" not in measured or not measured["_total"]["rps"]:
        return ""
    rps = measured["_total"]["rps"]
    line = f"{sum(measured['_cpu'].values()):.2f} of {os.cpu_count()} cores; ms of CPU per request: " + ", ".join(
        f"{group} {cores:.2f} cores ({cores * 1000 / rps:.2f} ms)" for group, cores in measured["_cpu"].items()
    )
    if machine := measured.get("_machine"):
        # The whole machine, which also counts processes that ended within the phase and the
        # kernel's interrupt work: what the processes above do not add up to.
        line += "; machine: " + ", ".join(f"{state} {cores:.2f}" for state, cores in machine.items() if cores >= 0.005)
    if connections := measured.get("_connections"):
        # Kept-alive connections stay with the worker that accepted them (bench/README.md,
        # "Connections per worker": an even spread did not take the idle cores away).
        line += "; clients' connections per server worker, mid-phase: " + "/".join(map(str, connections))
    return line


def load_average() -> str:
    """The machine's load while measuring (other work shares these 2 cores)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


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
    parser.add_argument(
        "--cold-host", help="a second server of the same stack with the catalog cache off (cold-read phases)"
    )
    parser.add_argument(
        "--bare-host",
        help="the same Django view with no middleware and no access log under the same gunicorn (bare_wsgi.py)",
    )
    parser.add_argument("--users", type=int, default=16, help="concurrency for the ceiling and per-endpoint phases")
    parser.add_argument("--duration", type=float, default=20, help="seconds per phase")
    parser.add_argument("--steps", default="4,8,16,32,64", help="concurrency steps of the saturation search")
    parser.add_argument(
        "--warmup", type=float, default=15, help="unmeasured seconds before each read phase and the mix (warm caches)"
    )
    parser.add_argument("--phases", default=",".join(PHASES), help=f"a subset of {','.join(PHASES)}")
    parser.add_argument("--profile-dir", help="write a py-spy flame graph per phase here (needs --server-pids)")
    parser.add_argument(
        "--server-pids",
        default="",
        help="main=PID,cold=PID[,worker=PID]: the gunicorn masters (and the Celery worker) to profile",
    )
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy binary")
    parser.add_argument("--json", help="write all figures here")
    args = parser.parse_args()
    for host in filter(None, (args.host, args.cold_host, args.bare_host)):
        if urlparse(host).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error("load is only ever sent to this machine (127.0.0.1)")
    phases = set(args.phases.split(","))
    if unknown := phases - set(PHASES):
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    global PROFILER
    pids = dict(item.split("=") for item in args.server_pids.split(",") if item)
    PROFILER = Profiler(args.profile_dir, {k: int(v) for k, v in pids.items()}, args.py_spy)

    results: dict = {"load_before": load_average()}
    print(f"\nbefore the run: {load_average()}")
    # Always measured: every other figure is a ratio of it.
    ceiling_run = run(locustfile.Ceiling, args.users, args.duration, args.host, profile="ceiling", cpu=True)
    ceiling = ceiling_run["ceiling"]
    results["ceiling"] = ceiling
    ratios: dict[str, float] = {}
    bare = {}
    if args.bare_host:
        # The same view without the stack around it (middleware, access log): what the stack costs.
        bare_run = run(locustfile.Ceiling, args.users, args.duration, args.bare_host, cpu=True)
        bare = {"bare view (no middleware, no access log)": bare_run["ceiling"]}
        results["bare_view"] = bare_run["ceiling"]
        for name, measured in (("ceiling", ceiling_run), ("bare view", bare_run)):
            if "_cpu" in measured:
                print(f"CPU per request, {name}: " + cpu_per_request(measured))
    alone = {}
    alone_cpu: dict[str, str] = {}  # request → where its CPU went, printed under the table
    if "reads" in phases:
        for cls, name in (
            (locustfile.ListOnly, "list"),
            (locustfile.DetailOnly, "detail"),
            (locustfile.SearchOnly, "search"),
        ):
            r = run(cls, args.users, args.duration, args.host, warmup=args.warmup, profile=name, cpu=True)
            alone.update({k: v for k, v in r.items() if not k.startswith("_")})
            alone_cpu[name] = cpu_per_request(r)
    if "cold" in phases and args.cold_host:
        # A short warm-up only: nothing to fill, every answer is built from PostgreSQL.
        for cls, name in ((locustfile.ColdListOnly, "list_cold"), (locustfile.ColdDetailOnly, "detail_cold")):
            r = run(cls, args.users, args.duration, args.cold_host, profile=name, server="cold", cpu=True)
            alone.update({k: v for k, v in r.items() if not k.startswith("_")})
            alone_cpu[name] = cpu_per_request(r)
    if "cart" in phases:
        r = run(locustfile.AddToCartOnly, args.users, args.duration, args.host, profile="add_to_cart", cpu=True)
        alone.update({k: v for k, v in r.items() if not k.startswith("_")})
        alone_cpu["add_to_cart"] = cpu_per_request(r)
    results["reads_alone"] = alone
    for name, r in alone.items():
        ratios[name] = r["rps"] / ceiling["rps"]
    table(
        f"Ceiling and each request alone ({args.users} concurrent clients, {args.duration:.0f} s each; {load_average()})",
        {"ceiling (bare view)": ceiling, **bare, **alone},
        ceiling["rps"],
    )
    for name, line in alone_cpu.items():
        if line:
            print(f"CPU per request, {name} alone: {line}")

    checks: dict[str, bool] = {}
    if "mix" in phases:
        mix = run(
            locustfile.Shopper, args.users, args.duration * 2, args.host, warmup=args.warmup, profile="mix", cpu=True
        )
        results["mix"] = mix
        table(f"Storefront mix ({args.users} concurrent clients, {args.duration * 2:.0f} s; {load_average()})", mix)
        if "_cpu" in mix:
            # Where the mix's CPU went (all of it shares the same cores): the part to work on.
            print(f"\nCPU during the mix: {cpu_per_request(mix)}")
        checks["0 errors (mix)"] = mix["_total"]["errors"] == 0

    if "saturation" in phases:
        steps = []
        best = 0.0
        for users in (int(s) for s in args.steps.split(",")):
            r = run(locustfile.Shopper, users, args.duration, args.host)["_total"]
            steps.append({"users": users, "rps": r["rps"], "errors": r["errors"]})
            print(
                f"saturation search: {users:>3} clients -> {r['rps']:.0f} req/s, {r['errors']} errors ({load_average()})"
            )
            if r["rps"] < best * 1.05:
                break
            best = max(best, r["rps"])
        peak = max(steps, key=lambda s: s["rps"])
        saturation = peak["rps"]
        results["saturation"] = {"steps": steps, "rps": saturation, "users": peak["users"]}
        ratios["mix saturation"] = saturation / ceiling["rps"]

        # Paced at the fewest clients that reached the peak (within the 5 % the search above calls
        # "stopped growing"): more clients than that only add contention (2 cores), so pacing more
        # of them would measure queueing in a server past its own saturation.
        paced_users = min(s["users"] for s in steps if s["rps"] >= saturation / 1.05)
        locustfile.Shopper.wait_time = constant_throughput(0.7 * saturation / paced_users)
        at70 = run(locustfile.Shopper, paced_users, args.duration * 2, args.host)
        results["at_70_percent"] = at70
        table(
            f"Mix paced at 70 % of saturation ({0.7 * saturation:.0f} req/s target, {paced_users} clients; "
            f"{load_average()})",
            at70,
        )
        checks["search p95 ≤ 50 ms (70 % load)"] = at70.get("search", {}).get("p95", 1e9) <= TARGETS["search_p95_ms"]
        checks["checkout p95 ≤ 300 ms (70 % load)"] = (
            at70.get("checkout", {}).get("p95", 1e9) <= TARGETS["checkout_p95_ms"]
        )
        checks["0 errors (70 % load)"] = at70["_total"]["errors"] == 0
        print(f"\nsaturation: {saturation:.0f} req/s (mix); ceiling: {ceiling['rps']:.0f} req/s")

    if "history" in phases:
        # One client, after the mix gave the shoppers their orders: the page's own latency.
        history = run(locustfile.OrderHistoryOnly, 1, args.duration, args.host)
        sizes = locustfile.PAGE_SIZES
        held = sum(sizes) / len(sizes) if sizes else 0
        results["history_low_load"] = {**history, "orders_per_page": held}
        table(
            f"Order history at low load (1 client, a different shopper each request, {held:.1f} orders "
            f"a page on average, {args.duration:.0f} s; {load_average()})",
            history,
        )
        p50 = history.get("orders_low_load", {}).get("p50", 1e9)
        checks[f"order history p50 ≤ {HISTORY_P50_MS} ms (1 client)"] = p50 <= HISTORY_P50_MS

    if "list" in alone:
        checks["cached list ≥ 0.5 x ceiling"] = ratios["list"] >= TARGETS["ratio_list_detail"]
    if "detail" in alone:
        checks["cached detail ≥ 0.5 x ceiling"] = ratios["detail"] >= TARGETS["ratio_list_detail"]
    checks["0 errors (each request alone)"] = all(r["errors"] == 0 for r in alone.values())
    if bare:
        stack = ceiling["rps"] / results["bare_view"]["rps"]
        results["ceiling_of_bare_view"] = stack
        print(f"\nThe stack's ceiling is {stack:.3f} of the bare view's ({results['bare_view']['rps']:.0f} req/s)")
        checks[f"ceiling ≥ {BARE_TARGET} x the bare view"] = stack >= BARE_TARGET

    print(f"\nRatios to the ceiling ({ceiling['rps']:.0f} req/s, same run; {load_average()}):")
    for name, target in RATIO_TARGETS.items():
        if name in ratios:
            ok = ratios[name] >= target
            checks[f"{name} ≥ {target} x ceiling"] = ok
            print(f"  {name:<16} {ratios[name]:.3f}  (target ≥ {target})  {'met' if ok else 'NOT met'}")
        else:
            print(f"  {name:<16} not measured in this run")
    for name, ok in checks.items():
        print(f"  [{'x' if ok else ' '}] {name}")
    results["ratios"] = ratios
    results["checks"] = checks
    results["load_after"] = load_average()
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
