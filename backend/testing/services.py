"""Stopping and starting the throwaway PostgreSQL and Redis that scripts/with-test-services.sh
started, for fault-injection tests. The tests skip when those servers are not ours to restart."""

import glob
import os
import subprocess

import pytest

PG_DIR = os.environ.get("AGORA_TEST_PG_DIR", "")
PG_OPTS = os.environ.get("AGORA_TEST_PG_OPTS", "")
REDIS_PORT = os.environ.get("AGORA_TEST_REDIS_PORT", "")
REDIS_DIR = os.environ.get("AGORA_TEST_REDIS_DIR", "")

needs_own_services = pytest.mark.skipif(
    not (PG_DIR and PG_OPTS and REDIS_PORT),
    reason="fault injection restarts the servers scripts/with-test-services.sh started (make test); "
    "with external DATABASE_URL/REDIS_URL they are not ours to stop",
)


def _pg_ctl(*args: str) -> None:
    bindir = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    cmd = [f"{bindir}/pg_ctl", "-D", PG_DIR, *args]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=90)


def postgres_stop() -> None:
    _pg_ctl("-m", "fast", "-w", "stop")


def postgres_start() -> None:
    _pg_ctl("-w", "-t", "60", "-o", PG_OPTS, "-l", os.path.join(PG_DIR, "server.log"), "start")


def redis_stop() -> None:
    subprocess.run(["redis-cli", "-p", REDIS_PORT, "shutdown", "nosave"], capture_output=True, timeout=30)


def redis_start() -> None:
    subprocess.run(
        [
            "redis-server",
            "--port",
            REDIS_PORT,
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            REDIS_DIR,
            "--logfile",
            os.path.join(REDIS_DIR, "redis.log"),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", REDIS_PORT, "ping"], capture_output=True).returncode == 0:
            return
        import time

        time.sleep(0.1)
