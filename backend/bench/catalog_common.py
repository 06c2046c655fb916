"""Shared set-up and figures for the benchmark scripts (not a benchmark itself).

Run the scripts against throwaway servers, from backend/:
    ../scripts/with-test-services.sh ../.venv/bin/python bench/<script>.py
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[1]


def setup(migrate: bool = True):
    sys.path.insert(0, str(BACKEND))
    os.chdir(BACKEND)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "agora-bench-media"))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def ensure_products(n: int) -> None:
    """Seeds ``n`` demo products unless the database already has that many public products."""
    from django.core.management import call_command

    from agora.catalog.selectors import public_products

    have = public_products().count()
    if have < n:
        print(f"seeding {n} demo products (have {have}) ...", flush=True)
        started = time.perf_counter()
        call_command("seed_demo", products=n, vendors=8, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(samples_ms: list[float]) -> str:
    return (
        f"p50 {pct(samples_ms, 50):6.2f} ms  p95 {pct(samples_ms, 95):6.2f} ms  "
        f"mean {statistics.fmean(samples_ms):6.2f} ms  (n={len(samples_ms)})"
    )


def machine() -> str:
    import platform

    cpus = os.cpu_count()
    try:
        mem_kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])  # noqa: SIM115
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        mem = "?"
    return f"{platform.processor() or platform.machine()}, {cpus} cores, {mem} RAM, Python {platform.python_version()}"
