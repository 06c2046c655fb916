"""ECS task scale-in protection while a long task runs (CSV imports).

Autoscaling may stop any worker task when the backlog falls; an import stopped half-way is
re-queued by the soft shutdown, but it starts over. So while a task from one of
``ECS_SCALE_IN_PROTECTED_QUEUES`` runs, the worker asks its ECS agent (``ECS_AGENT_URI``, set by
Fargate) to protect the task, and lifts the protection when the last such task ends. Protection
expires by itself after ``ECS_SCALE_IN_PROTECTION_MINUTES``, so a crash never leaves a task
protected for good. Outside ECS (no ``ECS_AGENT_URI``) this does nothing.

Pool processes share one ECS task, so the count of running protected tasks is kept as marker
files under one lock, not in a process's memory.
"""

import contextlib
import fcntl
import json
import logging
import os
import tempfile
import urllib.request
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("agora.scale_in")

MARKERS = Path(tempfile.gettempdir()) / "agora-scale-in-protection"
TIMEOUT_SECONDS = 3


def _agent_uri() -> str:
    return os.environ.get("ECS_AGENT_URI", "").rstrip("/")


def set_protection(enabled: bool) -> bool:
    """PUT the task's protection state to the ECS agent; False (logged) when the agent refused."""
    body = {"ProtectionEnabled": enabled}
    if enabled:
        body["ExpiresInMinutes"] = settings.ECS_SCALE_IN_PROTECTION_MINUTES
    request = urllib.request.Request(  # noqa: S310 - the agent's link-local http URI
        f"{_agent_uri()}/task-protection/v1/state",
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            response.read()
    except OSError as exc:
        # Best effort: without protection an import can still be re-queued by the soft shutdown.
        logger.warning("could not %s scale-in protection: %s", "set" if enabled else "clear", exc)
        return False
    return True


@contextlib.contextmanager
def _locked():
    MARKERS.mkdir(exist_ok=True)
    with open(MARKERS / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _running() -> list[Path]:
    """Markers of protected tasks still running (those of a killed process are dropped)."""
    running = []
    for marker in MARKERS.glob("*.task"):
        pid = int(marker.name.split("-", 1)[0])
        if _alive(pid):
            running.append(marker)
        else:
            marker.unlink(missing_ok=True)
    return running


def _marker(task_id: str) -> Path:
    return MARKERS / f"{os.getpid()}-{task_id}.task"


def _protected(task) -> bool:
    if not _agent_uri():
        return False
    delivery = getattr(task.request, "delivery_info", None) or {}
    return delivery.get("routing_key") in settings.ECS_SCALE_IN_PROTECTED_QUEUES


def on_task_prerun(sender=None, task_id=None, task=None, **_kwargs) -> None:
    if task is None or not _protected(task):
        return
    with _locked():
        _marker(task_id).touch()
        # Every start renews the expiry, so a long queue of imports stays protected throughout.
        set_protection(True)


def on_task_postrun(sender=None, task_id=None, task=None, **_kwargs) -> None:
    if task is None or not _protected(task):
        return
    with _locked():
        _marker(task_id).unlink(missing_ok=True)
        if not _running():
            set_protection(False)
