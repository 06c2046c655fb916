"""A real Celery worker process for tests: same code, real Redis broker, the test database."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

BACKEND_DIR = Path(__file__).resolve().parent.parent
QUEUES = "default,orders,search,media,imports"


class WorkerProcess:
    def __init__(
        self,
        log_path: Path,
        extra_args: tuple[str, ...] = (),
        extra_env: dict[str, str] | None = None,
        heartbeat: bool = False,
    ):
        self.log_path = log_path
        self.extra_args = extra_args
        self.extra_env = extra_env or {}
        # Celery's event heartbeat (what the container health check reads) is off unless asked for.
        self.heartbeat = heartbeat
        self.proc: subprocess.Popen | None = None
        # A name of its own, so the test can ask this worker (and no other) what it is doing.
        self.hostname = f"agora-test-{os.getpid()}-{id(self)}@localhost"

    @property
    def process(self) -> subprocess.Popen:
        """The started worker's process (an error before ``start``)."""
        if self.proc is None:
            raise RuntimeError("the worker has not been started")
        return self.proc

    def env(self) -> dict[str, str]:
        db = settings.DATABASES["default"]
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        env.update(self.extra_env)
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
        return env

    def start(self, timeout: float = 30) -> "WorkerProcess":
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        offset = self.log_path.stat().st_size
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            QUEUES,
            "-l",
            "INFO",
            "--without-mingle",
            "--without-gossip",
            *(() if self.heartbeat else ("--without-heartbeat",)),
            "-n",
            self.hostname,
            *self.extra_args,
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=BACKEND_DIR, env=self.env(), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"celery worker exited early:\n{self.log_path.read_text()[-4000:]}")
            with open(self.log_path, "rb") as fh:
                fh.seek(offset)
                if b"ready." in fh.read():
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"celery worker not ready after {timeout}s:\n{self.log_path.read_text()[-4000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and its pool children), as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if getattr(self, "log", None):
            self.log.close()

    def wait_idle(self, timeout: float = 15) -> bool:
        """Waits until nothing is queued and the worker runs or holds no task (asked over its
        control channel). Tests call it before the database is flushed: a TRUNCATE racing the
        worker's follow-up tasks (an image task queueing a search index task...) can deadlock,
        and PostgreSQL then cancels the flush.

        Tasks the worker holds for later (a countdown) count too: one due within
        ``SOON_SECONDS`` (the debounced re-indexing, 5 s) is waited for; one due later (a retry
        with backoff) is revoked, so it cannot run in the middle of a later test's data."""
        if not self.proc or self.proc.poll() is not None:
            return True
        import redis
        from kombu import exceptions as kombu_errors

        from config.celery import app

        broker = self.env().get("CELERY_BROKER_URL") or settings.CELERY_BROKER_URL
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # Fresh connections each time: a fault test may have restarted Redis under the pool.
            try:
                with redis.Redis.from_url(broker) as client:
                    queued = any(client.llen(q) for q in QUEUES.split(","))
                if not queued:
                    with app.connection_for_write(broker) as conn:
                        inspect = app.control.inspect(destination=[self.hostname], timeout=1, limit=1, connection=conn)
                        active = (inspect.active() or {}).get(self.hostname)
                        reserved = (inspect.reserved() or {}).get(self.hostname)
                        scheduled = (inspect.scheduled() or {}).get(self.hostname)
                        if active == [] and reserved == [] and scheduled is not None:
                            later = [t["request"]["id"] for t in scheduled if _eta(t) > time.time() + SOON_SECONDS]
                            if len(later) == len(scheduled):
                                if later:
                                    app.control.revoke(later, connection=conn)
                                return True
            except (redis.RedisError, OSError, kombu_errors.OperationalError):
                pass  # the next poll tries again; giving up only costs the test its safety margin
            time.sleep(0.1)
        return False

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


SOON_SECONDS = 6  # above the longest debounce a task is sent with (SEARCH_RERANK_DELAY_SECONDS, 5)


def _eta(scheduled: Mapping[str, Any]) -> float:
    """When a task the worker holds for later is due, as a Unix time (its ETA is ISO 8601)."""
    from datetime import datetime

    return datetime.fromisoformat(scheduled["eta"]).timestamp()


def wait_for(predicate, timeout: float = 20, interval: float = 0.1, message: str = "condition"):
    """Polls until ``predicate()`` is truthy; returns its value or fails the test with ``message``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


@contextmanager
def broker_unreachable():
    """Points the Celery app's producer at a port nothing listens on (dropping its pooled
    connections) for the block, then back at the live broker: tasks sent meanwhile cannot be
    enqueued."""
    from config.celery import app

    live = app.conf.broker_url
    _point_producer(app, "redis://127.0.0.1:1/1")
    try:
        yield
    finally:
        _point_producer(app, live)


def _point_producer(app, url: str) -> None:
    app.conf.broker_url = url
    app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None
