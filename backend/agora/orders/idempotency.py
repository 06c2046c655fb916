"""Idempotency-Key handling for checkout: per caller, the body's hash and the first answer.

The key row is claimed with ``INSERT … ON CONFLICT DO NOTHING`` before any work, committed on
its own, so of two concurrent requests with one key exactly one does the work (the unique
constraint decides); the other waits for the first answer and returns it. Answers that are
the outcome of the checkout (201, 402, 409) are stored and replayed; input errors (400/404)
and provider outages (503) release the key so the same key can be retried.

A claim whose process died (killed mid-checkout) would otherwise answer 409 until the key
expires: a claim older than ``IDEMPOTENCY_CLAIM_STALE_SECONDS`` (well above the longest checkout,
which gunicorn's timeout bounds) is taken over by the next request with the same key and body.
The order records the key row that placed it (written with the order), so the takeover finishes
that order instead of placing a second one.
"""

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from rest_framework.renderers import JSONRenderer

from agora.core.errors import DomainError
from agora.core.exceptions import error_body
from agora.orders.errors import IdempotencyKeyInProgress, IdempotencyKeyReused
from agora.orders.models import IdempotencyKey, Order

STORED_ERROR_STATUSES = {402, 409}
WAIT_SECONDS = 15
POLL_SECONDS = 0.05


def request_fingerprint(data) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def user_scope(user_id: int) -> str:
    return f"user:{user_id}"


def caller_scope(*, user, cart_token: str | None) -> str:
    if user is not None and user.is_authenticated:
        return user_scope(user.pk)
    return "cart:" + hashlib.sha256((cart_token or "").encode()).hexdigest()[:64]


@dataclass(frozen=True)
class Claim:
    """This request's hold on a key: its row, and the order a dead earlier holder already placed."""

    id: int
    resumed_order_id: int | None = None


def _claim(scope: str, key: str, fingerprint: str) -> Claim | None:
    table = IdempotencyKey._meta.db_table
    # Its own statement in autocommit: the claim is visible to a concurrent duplicate at once.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, key, request_hash, created_at, claimed_at) VALUES (%s, %s, %s, NOW(), NOW()) "  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
            "ON CONFLICT (scope, key) DO NOTHING RETURNING id",
            [scope, key, fingerprint],
        )
        row = cursor.fetchone()
    return Claim(row[0]) if row else None


def _take_over(scope: str, key: str, fingerprint: str) -> Claim | None:
    """Takes a claim left by a process that died: same key and body, no answer, claimed long ago.
    One statement, so of several requests arriving at once exactly one takes it over."""
    table = IdempotencyKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET claimed_at = NOW() "  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
            "WHERE scope = %s AND key = %s AND request_hash = %s AND response_status IS NULL "
            "AND COALESCE(claimed_at, created_at) < NOW() - make_interval(secs => %s) "
            f"RETURNING id, (SELECT o.id FROM {Order._meta.db_table} o WHERE o.checkout_attempt_id = {table}.id)",
            [scope, key, fingerprint, settings.IDEMPOTENCY_CLAIM_STALE_SECONDS],
        )
        row = cursor.fetchone()
    return Claim(row[0], row[1]) if row else None


_STORE = (
    f"UPDATE {IdempotencyKey._meta.db_table} SET response_status = %s, response_body = %s::jsonb, order_id = %s "  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
    "WHERE scope = %s AND key = %s"
)


def _store(scope: str, key: str, status: int, body, order_id: int | None) -> None:
    # The answer as the API renders it (decimals and dates as its strings), handed to PostgreSQL
    # as JSON text: the ORM's form parsed it back and encoded it again, on every checkout.
    rendered = JSONRenderer().render(body).decode()
    with connection.cursor() as cursor:
        cursor.execute(_STORE, [status, rendered, order_id, scope, key])


def _release(scope: str, key: str) -> None:
    IdempotencyKey.objects.filter(scope=scope, key=key, response_status__isnull=True).delete()


def idempotent(
    *, scope: str, key: str, fingerprint: str, action: Callable[[Claim], tuple[int, dict, int | None]]
) -> tuple[int, dict]:
    """Runs ``action`` once per (scope, key); returns (status, body), the first answer on a replay."""
    deadline = time.monotonic() + WAIT_SECONDS
    while (claim := _claim(scope, key, fingerprint)) is None:
        row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if row is None:  # released by a failed first attempt between our two statements: claim again
            continue
        if row.request_hash != fingerprint:
            raise IdempotencyKeyReused()
        if row.response_status is not None:  # stored with its body (_store)
            return row.response_status, row.response_body if row.response_body is not None else {}
        claim = _take_over(scope, key, fingerprint)
        if claim is not None:
            break
        if time.monotonic() > deadline:
            raise IdempotencyKeyInProgress()
        time.sleep(POLL_SECONDS)
    try:
        status, body, order_id = action(claim)
    except DomainError as exc:
        if exc.status_code not in STORED_ERROR_STATUSES:
            _release(scope, key)
            raise
        body = error_body(exc.code, exc.message, exc.details)
        _store(scope, key, exc.status_code, body, None)
        return exc.status_code, body
    except BaseException:
        _release(scope, key)
        raise
    _store(scope, key, status, body, order_id)
    return status, body


def retention_hours() -> int:
    return settings.IDEMPOTENCY_KEY_TTL_HOURS
