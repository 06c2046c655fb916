"""Domain events: how a lower app announces a change that higher apps react to.

Apps depend one way (docs/architecture.md): a lower app never imports a higher one. When
something it owns changed and others may care (a payment was captured, products changed), it
publishes an event — a frozen dataclass defined in its own ``events.py`` — and the apps above
subscribe to it in their ``AppConfig.ready()``.

Two kinds of subscribers:

* ``subscribe(Event)`` — runs at once, inside the publisher's transaction. For reactions that
  must commit or roll back with the change (an order becomes paid when its payment is captured).
  Its exceptions propagate to the publisher; what it returns is handed back to the publisher.
* ``subscribe(Event, on_commit=True)`` — runs after the publisher's transaction commits (at once
  outside one). For side effects that must only follow committed data (cache versions, index
  queues, emails). Its exceptions are logged, never raised: the change already happened.

Handlers run in the order they subscribed. Publishing with nobody subscribed does nothing.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

from django.db import transaction

logger = logging.getLogger("agora.events")

E = TypeVar("E")
R = TypeVar("R")
Handler = Callable[[Any], object]

_now: dict[type, list[Handler]] = defaultdict(list)
_after_commit: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type[E], *, on_commit: bool = False) -> Callable[[Callable[[E], R]], Callable[[E], R]]:
    """Decorator: ``@subscribe(PaymentCaptured)`` registers the function for that event type
    (what an in-transaction handler returns goes back to the publisher)."""

    def register(handler: Callable[[E], R]) -> Callable[[E], R]:
        handlers = (_after_commit if on_commit else _now)[event_type]
        if handler not in handlers:  # AppConfig.ready() may run twice in tests
            handlers.append(handler)
        return handler

    return register


def publish(event: object) -> list[object]:
    """Runs the in-transaction subscribers now and schedules the after-commit ones. Returns what
    the in-transaction subscribers returned (a short outcome a webhook records, say), in order."""
    results = [handler(event) for handler in list(_now.get(type(event), ()))]
    for handler in list(_after_commit.get(type(event), ())):
        transaction.on_commit(partial(_run_quietly, handler, event))
    return results


def _run_quietly(handler: Handler, event: object) -> None:
    try:
        handler(event)
    except Exception:
        logger.exception("after-commit handler %s failed for %r", getattr(handler, "__qualname__", handler), event)


def subscribers(event_type: type) -> list[Handler]:
    """Every handler of an event type (tests and docs use it)."""
    return [*_now.get(event_type, ()), *_after_commit.get(event_type, ())]


@contextmanager
def recording(event_type: type[E]) -> Iterator[list[E]]:
    """Collects the events of a type published inside the block (tests use it)."""
    seen: list[E] = []
    handlers = _now[event_type]
    handler = seen.append
    handlers.append(handler)
    try:
        yield seen
    finally:
        handlers.remove(handler)
