"""Scheduling Celery tasks from services: after commit, and never failing the request."""

import logging
import threading
import time
from functools import partial
from typing import Any, Final, ParamSpec, TypedDict

from celery import Task
from django.db import transaction

logger = logging.getLogger("agora.tasks")

P = ParamSpec("P")


class RetryingOptions(TypedDict):
    """The Celery options of a task that talks to a provider: typed, so `shared_task(**RETRYING)`
    is checked against celery's signature like any other keyword."""

    acks_late: bool
    reject_on_worker_lost: bool
    autoretry_for: tuple[type[BaseException], ...]
    retry_backoff: int
    retry_backoff_max: int
    retry_jitter: bool
    max_retries: int
    ignore_result: bool


# A task that must not be lost: acknowledged after it ran (redelivered if the worker dies) and
# retried with jittered exponential backoff (5 s up to 10 min) while a provider is down.
RETRYING: Final[RetryingOptions] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
    "ignore_result": True,
}


def _send(task: Task[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:
        # The work is recorded in the database and re-driven by a beat reconciler, so the
        # user's request must still succeed.
        logger.exception("could not enqueue %s; the reconciler will pick it up", task.name)


def enqueue_on_commit(task: Task[P, Any], *args: P.args, **kwargs: P.kwargs) -> None:
    """Sends ``task`` once the surrounding transaction commits (immediately outside one)."""
    transaction.on_commit(partial(_send, task, args, kwargs))


_last_sent = threading.local()


def enqueue_once_on_commit(task: Task[[], Any]) -> None:
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
