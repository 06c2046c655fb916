"""A worker's own liveness, for the container health check (ECS, Compose).

The worker's main process already sends Celery's event heartbeat every 2 seconds while it is
connected to the broker and its event loop turns. Each beat also touches ``WORKER_HEARTBEAT_FILE``
(when set); ``python -m agora.core.worker_health`` exits 1 when that file is older than
``WORKER_HEARTBEAT_MAX_AGE`` seconds, so a wedged or disconnected worker is replaced instead of
holding its reserved tasks. This module imports nothing from Django: a health check must not pay
for the project's start-up.
"""

import contextlib
import os
import sys
import time
from pathlib import Path

DEFAULT_MAX_AGE = 60.0


def heartbeat_file() -> Path | None:
    path = os.environ.get("WORKER_HEARTBEAT_FILE", "").strip()
    return Path(path) if path else None


def touch_heartbeat(**_signal_kwargs) -> None:
    """Receiver of Celery's ``heartbeat_sent`` signal (connected in config/celery.py)."""
    path = heartbeat_file()
    if path is None:
        return
    # A full or read-only /tmp must not take the worker down; the health check then fails and
    # the platform replaces the task, which is the right outcome.
    with contextlib.suppress(OSError):
        path.touch()


def heartbeat_age(path: Path, now: float | None = None) -> float | None:
    """Seconds since the last beat, or None when the worker never beat."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return (time.time() if now is None else now) - mtime


def main() -> int:
    path = heartbeat_file()
    if path is None:
        print("WORKER_HEARTBEAT_FILE is not set", file=sys.stderr)  # noqa: T201
        return 1
    max_age = float(os.environ.get("WORKER_HEARTBEAT_MAX_AGE", "") or DEFAULT_MAX_AGE)
    age = heartbeat_age(path)
    if age is None:
        print(f"no heartbeat yet at {path}", file=sys.stderr)  # noqa: T201
        return 1
    if age > max_age:
        print(f"last heartbeat {age:.0f}s ago (limit {max_age:.0f}s)", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
