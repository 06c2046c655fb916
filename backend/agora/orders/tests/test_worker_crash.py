"""Fault injection: worker processes SIGKILLed in the middle of sending the order emails. After
the pool replaces its child, the worker restarts and beat's re-drives run, every order is
processed and each customer and vendor email (one outbox row each) is delivered exactly once."""

import os
import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from agora.notifications.models import Notification
from agora.notifications.services import notifications_redrive
from agora.orders.models import Order
from agora.orders.services import orders_redrive
from agora.orders.tests.test_processing import _paid_order
from testing.slow_email import delivered, sending_pids
from testing.worker import WorkerProcess, wait_for

ORDERS = 4
VENDORS_PER_ORDER = 2


@pytest.fixture
def crash_worker(celery_worker, tmp_path):
    """A prefork worker with a slow email backend; the shared test worker steps aside meanwhile."""
    celery_worker.stop()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        "AGORA_TEST_EMAIL_BACKEND": "testing.slow_email.SlowFileBackend",
        "AGORA_TEST_MAIL_DIR": str(mail_dir),
        "AGORA_TEST_MAIL_DELAY": "1.5",
    }
    workers = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(tmp_path / "crash-worker.log", ("-P", "prefork", "-c", "2"), env)
        workers.append(worker.start())
        return worker

    yield start, mail_dir
    for worker in workers:
        worker.stop()
    celery_worker.start()


def _new_sender(mail_dir, seen: set[int]) -> int:
    return wait_for(
        lambda: next(iter(sending_pids(mail_dir) - seen), None),
        timeout=30,
        message="a worker process in the middle of sending an email",
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_orders_are_processed_exactly_once_across_sigkilled_workers(api_client, crash_worker):
    start, mail_dir = crash_worker
    # given paid orders queued for processing (checkout enqueued them on commit)
    orders = [_paid_order(api_client, vendors=VENDORS_PER_ORDER) for _ in range(ORDERS)]

    # when a pool child is SIGKILLed while it sends an email
    worker = start()
    child = _new_sender(mail_dir, set())
    assert child != worker.proc.pid
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: "WorkerLostError" in worker.output(), message="the pool to notice its lost child")
    # and later the whole worker (main process and children) is SIGKILLed mid-send, as an OOM kill would
    _new_sender(mail_dir, {child})
    worker.kill()
    # every send in flight at that moment died with it (both pool children may have been sending)
    killed = sending_pids(mail_dir) | {child}

    # and the worker comes back, and beat's re-drive re-sends what the dead worker held unacknowledged
    start()
    orders_redrive(now=timezone.now() + timedelta(hours=1))
    notifications_redrive(now=timezone.now() + timedelta(hours=1))

    # then every order ends up processing, once
    expected = ORDERS * (1 + VENDORS_PER_ORDER)
    wait_for(
        lambda: Order.objects.filter(pk__in=[o.pk for o in orders], status="processing").count() == ORDERS,
        timeout=90,
        message="every order to be processed",
    )
    wait_for(lambda: len(delivered(mail_dir)) >= expected, timeout=30, message="every email to be delivered")
    wait_for(lambda: not sending_pids(mail_dir) - killed, timeout=30, message="in-flight sends to finish")
    mails = delivered(mail_dir)
    pairs = [(m["subject"], tuple(m["to"])) for m in mails]
    assert len(pairs) == expected, f"{len(pairs)} emails for {expected} recipients: {sorted(pairs)}"
    assert len(set(pairs)) == expected  # nobody got the same email twice
    for order in orders:
        assert sum(order.number in subject for subject, _ in pairs) == 1 + VENDORS_PER_ORDER
    # (a row is marked sent just after its message is written: wait for that commit, not for a resend)
    wait_for(
        lambda: Notification.objects.filter(status="sent").count() == expected,
        message="every outbox row to be marked sent",
    )
    assert len(delivered(mail_dir)) == expected
