"""The database connection's health check (agora.core.postgres): a connection in steady use is
checked without a statement, one that sat idle gets Django's ``SELECT 1``, and one the server
dropped between requests is replaced before the request's first query, which succeeds."""

import time
from typing import cast

import psycopg
import pytest
from django.db import connection as default_connection

from agora.core.postgres.base import IDLE_RECHECK_SECONDS, DatabaseWrapper

connection = cast(DatabaseWrapper, default_connection)

pytestmark = pytest.mark.django_db(transaction=True)


def _observer() -> psycopg.Connection:
    """A second session, to watch ours from outside."""
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"], host=s["HOST"], port=s["PORT"], autocommit=True
    )


def _last_statement(pid: int) -> str:
    with _observer() as observer:
        row = observer.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    assert row is not None
    return row[0]


def _used() -> int:
    """A request: the connection's check, then a statement of its own; the backend's pid."""
    _next_request_checks()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement of a request'")
    return connection.connection.info.backend_pid


def _next_request_checks() -> None:
    connection.close_if_unusable_or_obsolete()  # what request_finished / a task's end does
    connection.close_if_health_check_failed()  # what the next request's first query does first


def test_a_connection_in_steady_use_is_checked_without_a_statement():
    pid = _used()
    _next_request_checks()
    assert connection.health_check_done
    assert _last_statement(pid) == "SELECT 'the last statement of a request'"


def test_a_connection_idle_for_longer_is_checked_with_select_1():
    pid = _used()
    connection.checked_at = time.monotonic() - IDLE_RECHECK_SECONDS - 1
    _next_request_checks()
    assert _last_statement(pid) == "SELECT 1"
    # and, checked, the next requests go back to the poll
    _used()
    _next_request_checks()
    assert _last_statement(pid) == "SELECT 'the last statement of a request'"


def test_a_connection_the_server_dropped_is_replaced_before_the_next_query():
    pid = _used()
    connection.close_if_unusable_or_obsolete()
    with _observer() as observer:
        assert observer.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
        deadline = time.monotonic() + 10
        while observer.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the terminated backend did not exit"
            time.sleep(0.02)

    # the next request's first query runs on a new connection instead of failing
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (new_pid,) = cursor.fetchone()
    assert new_pid != pid
