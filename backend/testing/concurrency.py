"""Running test actions at the same moment, each in a thread of its own (so each has its own
database connection, closed when the action is done)."""

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def at_once(actions: Sequence[Callable[[], T]], *, timeout: float = 60) -> list[T]:
    """Starts every action in its own thread, releases them together and waits for them (up to
    ``timeout`` seconds each); answers what they returned, in the order they finished."""
    start = threading.Barrier(len(actions))
    results: list[T] = []

    def run(action: Callable[[], T]) -> None:
        try:
            start.wait()
            results.append(action())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
