"""CPU time per part of the stack over a measured phase, from /proc (Linux).

The mix's throughput is bounded by what all of the stack spends per request on the same cores:
gunicorn, PostgreSQL, the Celery worker, Redis and the load generator itself. Two snapshots of
every process's user + system time, grouped by what the process is, say which part to work on
(issue #18: the search cache emptied by every order showed as PostgreSQL time).
"""

import os
import re
import subprocess
from collections import Counter

GROUPS = (
    ("gunicorn", ("gunicorn",)),
    ("celery worker", ("celery",)),
    ("postgresql", ("postgres",)),
    ("redis", ("redis-server",)),
    ("load generator (locust)", ("loadtest.py", "locust")),
)


def _group(cmdline: str) -> str:
    for name, needles in GROUPS:
        if any(needle in cmdline for needle in needles):
            return name
    return "other"


def snapshot() -> dict[int, tuple[str, float]]:
    """pid → (group, CPU seconds so far, its reaped children's included); empty where /proc is
    missing.

    A process that ends within a phase (a gunicorn worker replaced by ``max_requests``, a
    PostgreSQL backend of a closed connection) takes its CPU time out of /proc with it; the
    parent that reaps it (gunicorn's master, the postmaster) adds that time to its own
    children's counters, which are read here too (``cores_by_group`` takes out what the ended
    process had used before the phase)."""
    if not os.path.isdir("/proc"):
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[str, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        # utime, stime (its own), cutime, cstime (its reaped children's)
        out[int(entry)] = (_group(cmdline), sum(int(f) for f in fields[11:15]) / tick)
    return out


def cores_by_group(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], seconds: float) -> dict:
    """Cores used on average by each group between the two snapshots, most first. Processes
    started in between count from zero; one that ended in between is counted by its parent
    (its whole life's CPU, once reaped), so what it had used before the phase is taken out
    here — a parent is in its child's group (gunicorn, Celery, PostgreSQL)."""
    used: dict[str, float] = {}
    for pid, (group, cpu) in after.items():
        start = before.get(pid, (group, 0.0))[1]
        used[group] = used.get(group, 0.0) + max(0.0, cpu - start)
    for pid, (group, cpu) in before.items():
        if pid not in after:
            used[group] = used.get(group, 0.0) - cpu
    used = {group: max(0.0, cpu) for group, cpu in used.items()}
    return {group: cpu / seconds for group, cpu in sorted(used.items(), key=lambda item: -item[1])}


_STAT_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def machine_snapshot() -> dict[str, float]:
    """The whole machine's CPU seconds by state (/proc/stat), empty where it is missing: it also
    counts what no process snapshot holds — processes that ended within the phase (PostgreSQL
    backends of closed connections, gunicorn workers replaced by ``max_requests``), interrupts,
    and time the hypervisor gave another guest (steal)."""
    try:
        with open("/proc/stat") as fh:
            fields = fh.readline().split()[1 : 1 + len(_STAT_FIELDS)]
    except OSError:
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    return {name: int(value) / tick for name, value in zip(_STAT_FIELDS, fields, strict=False)}


def machine_cores(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Cores the machine spent in each state between the two snapshots."""
    return {name: (after[name] - before.get(name, 0.0)) / seconds for name in after}


def connections_by_process(port: int) -> list[int]:
    """Established connections to ``port`` held by each process serving it, most first (from
    ``ss``; empty where it is missing): how the clients' kept-alive connections spread over
    gunicorn's workers."""
    try:
        out = subprocess.run(
            ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    counts = Counter(re.findall(r"pid=(\d+)", out))
    return sorted(counts.values(), reverse=True)
