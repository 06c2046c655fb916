"""A bulkhead and a circuit breaker for calls to a payment provider, per process.

A slow provider must not take the web tier with it: every provider call holds one of
``PAYMENT_PROVIDER_MAX_CONCURRENCY`` slots of its process (fewer than gunicorn's threads per
worker, so catalog, search and cart requests always find a free thread). A call that finds no
free slot within ``PAYMENT_PROVIDER_SLOT_WAIT_SECONDS`` is refused at once. After
``PAYMENT_PROVIDER_BREAKER_FAILURES`` failures in a row (timeouts, connection errors, 5xx) the
breaker opens: calls are refused without trying for ``PAYMENT_PROVIDER_BREAKER_COOLDOWN_SECONDS``,
then one trial call decides whether it closes again. Refusals raise ProviderUnavailable, which
checkout answers as 503 ``payment_provider_unavailable`` (nothing charged, stock released) and the
worker retries later.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from agora.payments.gateways.base import ProviderUnavailable

logger = logging.getLogger("agora.payments")


class Bulkhead:
    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self._slots: threading.BoundedSemaphore | None = None
        self._size = 0
        self._failures = 0
        self._open_until = 0.0
        self._trial_running = False

    def _semaphore(self) -> threading.BoundedSemaphore:
        size = max(1, settings.PAYMENT_PROVIDER_MAX_CONCURRENCY)
        with self._lock:
            if self._slots is None or self._size != size:  # settings changed (tests)
                self._slots, self._size = threading.BoundedSemaphore(size), size
            return self._slots

    def _admit(self) -> bool:
        """Whether the breaker lets a call through now (True for the half-open trial call)."""
        with self._lock:
            if self._failures < settings.PAYMENT_PROVIDER_BREAKER_FAILURES:
                return True
            if time.monotonic() < self._open_until or self._trial_running:
                return False
            self._trial_running = True
            return True

    def _record(self, *, failed: bool) -> None:
        with self._lock:
            self._trial_running = False
            if not failed:
                self._failures = 0
                return
            self._failures += 1
            if self._failures >= settings.PAYMENT_PROVIDER_BREAKER_FAILURES:
                self._open_until = time.monotonic() + settings.PAYMENT_PROVIDER_BREAKER_COOLDOWN_SECONDS
                logger.warning(
                    "%s calls paused for %ss after %s failures",
                    self.name,
                    settings.PAYMENT_PROVIDER_BREAKER_COOLDOWN_SECONDS,
                    self._failures,
                )

    def reset(self) -> None:
        with self._lock:
            self._failures, self._open_until, self._trial_running, self._slots = 0, 0.0, False, None

    @contextmanager
    def call(self) -> Iterator["_Outcome"]:
        """``with bulkhead.call() as outcome:`` around one provider call; set ``outcome.failed``
        when the provider (not the request) failed, so the breaker counts it."""
        if not self._admit():
            raise ProviderUnavailable(f"{self.name}: calls paused after repeated failures")
        slots = self._semaphore()
        if not slots.acquire(timeout=settings.PAYMENT_PROVIDER_SLOT_WAIT_SECONDS):
            with self._lock:
                self._trial_running = False
            raise ProviderUnavailable(f"{self.name}: every provider call slot of this process is busy")
        outcome = _Outcome()
        try:
            yield outcome
        finally:
            slots.release()
            self._record(failed=outcome.failed)


class _Outcome:
    failed = False


_bulkheads: dict[str, Bulkhead] = {}
_registry_lock = threading.Lock()


def bulkhead(name: str) -> Bulkhead:
    with _registry_lock:
        return _bulkheads.setdefault(name, Bulkhead(name))
