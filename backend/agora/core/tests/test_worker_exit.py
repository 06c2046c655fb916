"""A gunicorn worker that stops as asked ends without tearing down its interpreter
(config/gunicorn_workers.py, end_stopped_worker): its exit neither burns CPU nor copies the
master's memory pages, and what a normal exit flushes is still flushed."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from testing.server import GunicornServer, cpu_seconds
from testing.worker import BACKEND_DIR


def _private_dirty_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Private_Dirty:"):
            return int(line.split()[1])
    return 0


def _watch_until_gone(pid: int, cpu: float, dirty: int, timeout: float = 10) -> tuple[float, int]:
    """The CPU seconds and the largest Private_Dirty the process reached, sampled until it is gone
    (starting from the figures read before it was told to stop)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            cpu, dirty = cpu_seconds(pid), max(dirty, _private_dirty_kib(pid))
        except (FileNotFoundError, ProcessLookupError):
            return cpu, dirty
        time.sleep(0.002)
    raise AssertionError(f"worker {pid} still running {timeout} s after SIGTERM")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_stopped_as_a_deploy_does_exits_without_burning_cpu_or_copying_the_masters_memory(tmp_path):
    # given a server whose workers have answered requests that read the database
    server = GunicornServer(tmp_path / "web.log", workers=2).start()
    assert server.proc is not None
    try:
        for _ in range(30):
            with urllib.request.urlopen(f"{server.url}/api/v1/categories/", timeout=10) as answer:  # noqa: S310 - loopback
                assert answer.status == 200
        worker = server.worker_pids()[0]
        cpu_before, dirty_before = cpu_seconds(worker), _private_dirty_kib(worker)

        # when the worker is told to stop, as ECS and max_requests do
        os.kill(worker, 15)
        cpu_after, dirty_peak = _watch_until_gone(worker, cpu_before, dirty_before)

        # then it is gone having spent almost no CPU (~0.9 s before) and copied almost none of the
        # master's pages (~80 MB before)
        assert cpu_after - cpu_before < 0.3, (cpu_before, cpu_after)
        assert dirty_peak - dirty_before < 20 * 1024, (dirty_before, dirty_peak)
        # and the master replaced it: the shop still answers
        with urllib.request.urlopen(f"{server.url}/api/v1/categories/", timeout=10) as answer:  # noqa: S310 - loopback
            assert answer.status == 200
    finally:
        server.stop()
    log = server.log_path.read_text()
    assert f"Worker exiting (pid: {worker})" in log
    assert "exited with code" not in log, log[-3000:]


_EXIT = """
import atexit, sys, types
from config.gunicorn_workers import end_stopped_worker
atexit.register(lambda: print("atexit handler ran", flush=True))
print("buffered line", end="")
end_stopped_worker(types.SimpleNamespace(stopped={stopped}))
sys.exit(3)
"""


def test_a_stopped_worker_still_runs_its_exit_handlers_and_flushes_its_output():
    ended = subprocess.run(
        [sys.executable, "-c", _EXIT.format(stopped=True)], cwd=BACKEND_DIR, capture_output=True, text=True, timeout=30
    )
    assert ended.returncode == 0, ended.stderr
    assert ended.stdout == "buffered lineatexit handler ran\n"


def test_a_worker_that_did_not_stop_as_asked_keeps_the_normal_exit_and_its_code():
    ended = subprocess.run(
        [sys.executable, "-c", _EXIT.format(stopped=False)], cwd=BACKEND_DIR, capture_output=True, text=True, timeout=30
    )
    assert ended.returncode == 3, ended.stderr
    assert ended.stdout == "buffered lineatexit handler ran\n"
