"""Django's PostgreSQL backend with a connection health check that costs no round trip while
the connection is in steady use (``ENGINE = "agora.core.postgres"``; docs/adr/0012).

``CONN_HEALTH_CHECKS`` makes Django run ``SELECT 1`` before the first query of every request and
every task, so that a connection the server dropped while it sat in the pool (a restart, a
failover, ``idle_session_timeout``, ``pg_terminate_backend``) is replaced instead of failing the
request. Under load that is one more round trip and statement on every request that reads the
database: on a cold product page, which needs one statement, half of its round trips.

A server that drops a connection says so on its socket: the FATAL message it sends, or the EOF of
its close, is waiting there unread. One non-blocking poll of the socket (a system call, no round
trip) therefore tells a dropped connection from a live one. The check here:

- polls the socket, and asks psycopg whether it already knows the connection is closed or broken;
- runs Django's ``SELECT 1`` as before when anything is waiting on the socket, when the poll
  cannot be made, or when the connection has not been checked for ``IDLE_RECHECK_SECONDS`` (a
  connection that sat idle that long gets the full check, as every one did before);
- changes nothing else: after an error inside a request, Django's own ``is_usable()`` still runs
  ``SELECT 1``, and ``CONN_MAX_AGE`` still closes old connections.

It also decides which statements PostgreSQL keeps prepared for the session (docs/adr/0013), with
values bound on the server (``OPTIONS["server_side_binding"]``) and ``OPTIONS["prepare_statements"]``
on: the hot statements of ``agora.core.prepared`` from their first run, the ORM's writes once a
session has run the same one a few times, and never the ORM's other reads, whose best plan can
depend on their values (a filtered list).
"""

import select
import time

from django.db.backends.postgresql import base

from agora.core.prepared import PREPARED_MARK

# Connections in steady use are checked by the poll alone; one idle longer than this gets the
# round trip too (what is lost to a silent network drop is the same either way: both wait).
IDLE_RECHECK_SECONDS = 10.0
# An ORM write is prepared once the session has run the same statement this many times, so that
# one-off statements (the admin's, a management command's) do not crowd psycopg's cache of 100.
WRITE_PREPARE_THRESHOLD = 3
_WRITES = ("INSERT", "UPDATE", "DELETE")


def prepare_choice(query: object) -> bool | None:
    """psycopg's ``prepare`` for a statement: True (at once) for ``agora.core.prepared``'s, None
    (after ``WRITE_PREPARE_THRESHOLD`` runs) for an INSERT, UPDATE or DELETE, False otherwise."""
    if not isinstance(query, str):
        return False
    if query.startswith(PREPARED_MARK):
        return True
    # the first word, read from the head only: the statement may be long, and this runs on each
    return None if query[:32].lstrip()[:6].upper() in _WRITES else False


class PreparingCursor(base.ServerBindingCursor):
    """Django's server-binding cursor, with ``prepare_choice`` deciding what the server keeps."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        if prepare is None:
            prepare = prepare_choice(query)
        return super().execute(query, params, prepare=prepare, binary=binary)  # type: ignore[misc]  # the stubs do not declare the psycopg 3 cursors Django defines


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_enabled: bool  # Django's own attributes, which its stubs do not declare
    health_check_done: bool

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_at: float | None = None  # when the connection was last known to be healthy

    def get_connection_params(self):
        params = super().get_connection_params()
        prepare = params.pop("prepare_statements", False)
        if prepare and params.get("cursor_factory") is base.ServerBindingCursor:
            params["cursor_factory"] = PreparingCursor
            params["prepare_threshold"] = WRITE_PREPARE_THRESHOLD
        return params

    def connect(self):
        super().connect()
        self.checked_at = time.monotonic()

    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done or self.pool:
            return super().close_if_health_check_failed()  # nothing to check: Django's own answer
        if not self._nothing_waiting():
            super().close_if_health_check_failed()  # Django's SELECT 1: closes a dead connection
        if self.connection is not None:
            self.checked_at = time.monotonic()
        self.health_check_done = True

    def _nothing_waiting(self) -> bool:
        """True when the connection was checked recently, psycopg holds it for open and sound,
        and nothing is waiting unread on its socket."""
        if self.checked_at is None or time.monotonic() - self.checked_at > IDLE_RECHECK_SECONDS:
            return False
        conn = self.connection
        try:
            if conn.closed or conn.broken:
                return False
            poller = select.poll()
            poller.register(conn.fileno(), select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (OSError, ValueError, AttributeError):  # no socket to poll: let SELECT 1 decide
            return False
