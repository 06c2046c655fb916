"""Scheduling Celery tasks from services: after commit, and never failing the request."""

import logging
import threading
import time
from functools import partial
from typing import Any

from django.db import transaction

logger = logging.getLogger("agora.tasks")


def _send(task: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:
        # The work is recorded in the database and re-driven by a beat reconciler, so the
        # user's request must still succeed.
        logger.exception("could not enqueue %s; the reconciler will pick it up", task.name)


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Sends ``task`` once the surrounding transaction commits (immediately outside one)."""
    transaction.on_commit(partial(_send, task, args, kwargs))


_last_sent = threading.local()


def enqueue_once_on_commit(task: Any) -> None:
    """Sends an argument-less "drain the outbox" ``task`` after commit, once however many times a
    transaction asks for it: the first of its callbacks to run sends it, and the others see that
    a send happened after they were registered (it drains what they recorded) and skip.

    A rolled-back transaction's callbacks never run, so nothing needs cleaning up; each thread
    (one database connection each) keeps its own clock of sends.
    """
    registered = time.monotonic()

    def send() -> None:
        sent = getattr(_last_sent, task.name, float("-inf"))
        if sent > registered:
            return
        setattr(_last_sent, task.name, time.monotonic())
        _send(task, (), {})

    transaction.on_commit(send)
