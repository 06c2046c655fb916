"""Scheduling Celery tasks from services: after commit, and never failing the request."""

import logging
import threading
import time
from functools import partial
from typing import Any, Final, ParamSpec, TypedDict

from celery import Task
from django.core.cache import cache
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


def _send(task: Task[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], **options: Any) -> bool:
    """Publishes ``task``; answers whether the broker took it (never raises)."""
    try:
        task.apply_async(args=args, kwargs=kwargs, **options)
    except Exception:
        # The work is recorded in the database and re-driven by a beat reconciler, so the
        # user's request must still succeed.
        logger.exception("could not enqueue %s; the reconciler will pick it up", task.name)
        return False
    return True


def enqueue_or_run(task: Task[P, Any], *args: P.args, **kwargs: P.kwargs) -> None:
    """Sends ``task`` now (outside any transaction); if the broker cannot take it, runs it here
    instead: for work no database row records, which no reconciler would re-drive."""
    if not _send(task, args, kwargs):
        task.run(*args, **kwargs)


def enqueue_in(task: Task[P, Any], seconds: int, *args: P.args, **kwargs: P.kwargs) -> None:
    """Sends ``task`` now (not on commit) to run in ``seconds``; never raises (a retry whose work
    is still recorded as due, for a beat reconciler to re-drive if the broker is down)."""
    _send(task, args, kwargs, countdown=seconds)


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


_together = threading.local()
_TOGETHER_MAX = 5000


def enqueue_together_on_commit(task: Task[..., Any], item: int) -> None:
    """Sends ``task(first, *others)`` once after commit for every ``item`` the transaction queued
    this way, instead of one task per item (a paid order writes five notifications: one task,
    not five — each task costs the worker more than the sending, bench/README.md, issue #18).

    Each call registers a callback; the first to run after the commit sends every item queued
    in this thread since the last send, and the others see that a send came after them and skip.
    Items of a rolled-back transaction or savepoint (their callbacks never run) ride along with
    the next send: ``task`` must skip an item whose row does not exist, as an outbox task does.
    """
    state = _together.__dict__.setdefault(task.name, {"items": [], "sends": 0, "calls": 0})
    state["items"].append(item)
    # Ids of rolled-back work need no sending (and a committed row whose send was lost is
    # re-driven by beat): keep the list short in a thread that rolls back a lot.
    del state["items"][:-_TOGETHER_MAX]
    state["calls"] += 1
    registered = state["calls"]

    def send() -> None:
        if state["sends"] > registered or not state["items"]:
            return
        state["calls"] += 1
        state["sends"] = state["calls"]
        items, state["items"] = state["items"], []
        _send(task, tuple(items), {})

    transaction.on_commit(send)


def enqueue_debounced_on_commit(task: Task[[], Any], seconds: int) -> None:
    """Sends an argument-less "drain the outbox" ``task`` to run ``seconds`` after commit, unless
    one sent by an earlier commit is still waiting: the changes of every commit meanwhile are
    drained by that one run (a stream of orders re-ranks its products in one indexing run every
    few seconds, not one per order — bench/README.md, issue #18).

    For work whose outbox a beat reconciler drains anyway: a commit that lands just after the run
    started waits for the next commit or the reconciler. With the cache down, nothing is sent and
    the reconciler drains it.
    """

    def send() -> None:
        if cache.add(f"tasks:debounced:{task.name}", 1, timeout=seconds):
            _send(task, (), {}, countdown=seconds)

    transaction.on_commit(send)
