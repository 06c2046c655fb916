"""gunicorn forks its workers from a master that imported the app once (preload_app,
config/gunicorn.conf.py): a replaced worker starts without importing Django again, and no
connection may exist before the fork, or workers would share its socket."""

import json
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from testing.server import GunicornServer, cpu_seconds
from testing.worker import BACKEND_DIR, WorkerProcess

_SOCKETS_AFTER_IMPORT = """
import os
import config.wsgi  # what gunicorn's master imports before forking
fds = os.listdir("/proc/self/fd")
print([os.readlink(f"/proc/self/fd/{fd}") for fd in fds if os.path.exists(f"/proc/self/fd/{fd}")])
"""


@pytest.mark.django_db
def test_importing_the_app_opens_no_connection_a_forked_worker_could_inherit(tmp_path):
    env = WorkerProcess(tmp_path / "import.log").env()
    out = subprocess.run(
        [sys.executable, "-c", _SOCKETS_AFTER_IMPORT],
        cwd=BACKEND_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    open_files = json.loads(out.stdout.strip().splitlines()[-1].replace("'", '"'))
    assert [f for f in open_files if f.startswith("socket:")] == [], open_files


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_workers_replaced_by_max_requests_start_without_importing_the_app_and_answer_from_the_database(tmp_path):
    # given a server whose 2 workers are replaced every 15 requests
    env = {"GUNICORN_MAX_REQUESTS": "15", "GUNICORN_MAX_REQUESTS_JITTER": "0"}
    server = GunicornServer(tmp_path / "web.log", workers=2, extra_env=env).start()
    assert server.proc is not None
    first = set(server.worker_pids())
    statuses: list[int] = []

    def shop() -> None:
        for _ in range(20):
            with urllib.request.urlopen(f"{server.url}/api/v1/categories/", timeout=10) as answer:  # noqa: S310 - loopback
                statuses.append(answer.status)

    try:
        # when 4 shoppers make 80 requests that read the database, across several replacements
        threads = [threading.Thread(target=shop) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        deadline = time.monotonic() + 10
        while len(server.worker_pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the newest worker has booted
        workers = server.worker_pids()
        # then every request was answered, by workers that replaced the first ones
        assert statuses == [200] * 80
        assert workers and not set(workers) & first
        # and a replacement was forked from the loaded app, not made to import it (~1.8 s of CPU)
        assert max(cpu_seconds(pid) for pid in workers) < 0.6, [cpu_seconds(pid) for pid in workers]
    finally:
        server.stop()
    assert server.log_path.read_text().count("Booting worker") >= 4
