"""Fault injection: worker processes SIGKILLed in the middle of a transfer (after the provider
made it, before the worker heard back). After the pool replaces its children, the whole worker
is killed and restarted and beat's re-drive runs, every payout is paid by exactly one transfer."""

import os
import signal
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agora.ledger.models import LedgerEntry
from agora.payouts.models import DummyTransfer, Payout, PayoutItem
from agora.payouts.services import payouts_redrive, payouts_run
from agora.payouts.tests.helpers import connected, later, shipped_sale
from agora.vendors.tests.factories import VendorFactory
from testing.worker import WorkerProcess, wait_for

VENDORS = 6  # two children each mid-transfer at the first kill still leave payouts for the second


@pytest.fixture
def crash_worker(celery_worker, tmp_path):
    """A prefork worker whose dummy provider answers 1.5 s after making a transfer; the shared
    test worker steps aside meanwhile."""
    celery_worker.stop()
    workers = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(
            tmp_path / "crash-worker.log", ("-P", "prefork", "-c", "2"), {"AGORA_TEST_PAYOUT_DELAY": "1.5"}
        )
        workers.append(worker.start())
        return worker

    yield start
    for worker in workers:
        worker.stop()
    celery_worker.start()


def _in_flight(seen: set[int]) -> set[int]:
    """Payouts the provider has a transfer for while they are still pending here: a worker is
    between the provider's answer and recording it (or died there)."""
    groups = set(DummyTransfer.objects.values_list("transfer_group", flat=True))
    pending = Payout.objects.filter(status=Payout.Status.PENDING)
    return {p.pk for p in pending if p.transfer_group in groups} - seen


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_each_payout_is_transferred_exactly_once_across_sigkilled_workers(crash_worker):
    # given vendors with available balances and payouts queued for the worker
    for _ in range(VENDORS):
        vendor = VendorFactory.create(commission_rate=Decimal("10.00"))
        connected(vendor)
        shipped_sale("100.00", vendor=vendor)
    created = payouts_run(now=later(8)).created
    assert len(created) == VENDORS

    # when the pool's children are SIGKILLed while a transfer is in flight
    start_worker = crash_worker
    worker = start_worker()
    first = wait_for(lambda: _in_flight(set()), timeout=30, message="a transfer in flight")
    children = subprocess.run(["pgrep", "-P", str(worker.proc.pid)], capture_output=True, text=True).stdout.split()
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    # Both children may have been mid-transfer: every transfer left in flight by the kill is the
    # first wave's, not the "another" below.
    first |= _in_flight(set())
    wait_for(lambda: "WorkerLostError" in worker.output(), message="the pool to notice its lost children")
    # and later the whole worker is SIGKILLed while another transfer is in flight
    wait_for(lambda: _in_flight(first), timeout=60, message="another transfer in flight")
    worker.kill()

    # and the worker comes back and beat's re-drive re-sends what the dead worker held
    start_worker()
    payouts_redrive(now=timezone.now() + timedelta(hours=1))

    # then every payout is paid, by exactly one transfer each
    wait_for(
        lambda: Payout.objects.filter(pk__in=created, status=Payout.Status.PAID).count() == VENDORS,
        timeout=90,
        message="every payout to be paid",
    )
    transfers = list(DummyTransfer.objects.all())
    assert len(transfers) == VENDORS, [(t.id, t.transfer_group) for t in transfers]
    payouts = {p.pk: p for p in Payout.objects.filter(pk__in=created)}
    assert {t.transfer_group for t in transfers} == {p.transfer_group for p in payouts.values()}
    assert {t.id for t in transfers} == {p.transfer_id for p in payouts.values()}
    assert all(t.amount == Decimal("90.00") for t in transfers)
    # and the books agree: one payout entry each, every sale paid once
    assert LedgerEntry.objects.filter(type="payout").count() == VENDORS
    assert PayoutItem.objects.count() == LedgerEntry.objects.exclude(type="payout").count() == 2 * VENDORS
