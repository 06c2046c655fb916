"""The worker keeps its database connections between tasks, as the web keeps them between
requests (CONN_MAX_AGE): Celery's default opened a new PostgreSQL session for every task."""

import time

import pytest
from django.db import connection

from agora.notifications.tasks import notification_send
from testing.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TASKS = 40


def _sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def _runs(worker) -> int:
    return worker.output().count("agora.notifications.tasks.notification_send[")


def test_tasks_reuse_the_workers_database_connections(celery_worker):
    before, logged = _sessions(), _runs(celery_worker)
    for n in range(TASKS):
        notification_send.delay(10**12 + n)  # no such row: each task reads the table and skips it
    wait_for(lambda: _runs(celery_worker) >= logged + 2 * TASKS, message="every task to run")  # received, succeeded
    # A session that ended is counted at once; one still open may be counted later (so this can
    # only undercount the connections kept, never the ones opened and closed per task).
    time.sleep(1.5)
    opened = _sessions() - before
    # This test's own connection and at most one per worker thread (4), not one per task.
    assert opened <= 6, f"{opened} new database sessions for {TASKS} tasks"
