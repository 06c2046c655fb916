"""Reconciliation: every kind of drift between our books and the provider's is a finding; a clean
day is a clean run. Drift is injected in the provider's books (the faked Stripe API, and the dummy
provider's tables on the real worker)."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from agora.payments.models import Payment, Refund
from agora.payouts.models import DummyTransfer, Payout, PayoutAccount, ReconciliationRun
from agora.payouts.services import payouts_run
from agora.payouts.services.reconcile import ALARM_MESSAGE, METRIC_NAME, day_bounds, reconcile
from agora.payouts.tests.helpers import connected, later, shipped_sale
from agora.vendors.tests.factories import VendorFactory
from testing.worker import wait_for

D = Decimal


@pytest.fixture
def metrics(monkeypatch):
    sent: list[tuple[str, float]] = []
    monkeypatch.setattr(
        "agora.payouts.services.reconcile.put_metric", lambda name, value, **kw: sent.append((name, value))
    )
    return sent


def today():
    return day_bounds(timezone.localdate())


@pytest.fixture
def books(db, connect_api):
    """A day of business through Stripe: a paid order, a partial refund of it and a payout, and the
    provider's matching books."""
    vendor = VendorFactory.create(commission_rate=D("10.00"))
    connect_api.accounts["acct_v"] = {"id": "acct_v", "object": "account"}
    connect_api.enable("acct_v")
    PayoutAccount.objects.create(vendor=vendor, provider="stripe", account_id="acct_v", payouts_enabled=True)
    order, _vo, _ = shipped_sale("100.00", vendor=vendor)
    # the order was paid through Stripe (the dummy gateway placed it; the reconciler reads rows)
    payment = order.payments.get()
    Payment.objects.filter(pk=payment.pk).update(gateway="stripe", reference="pi_A")
    refund = Refund.objects.create(
        payment=payment, origin="platform", status="succeeded", amount=D("10.00"), currency="EUR", reference="re_A"
    )
    [pk] = payouts_run(now=later(8), send_now=True).created
    connect_api.add_charge("pi_A", int(order.total * 100))  # what was captured, in cents
    connect_api.add_refund("re_A", 1000)
    return {"payment": payment, "refund": refund, "payout": Payout.objects.get(pk=pk), "api": connect_api}


def test_a_day_whose_books_agree_is_a_clean_run(books, metrics):
    start, end = today()
    run = reconcile(start=start, end=end)
    assert run.status == "clean" and run.finding_count == 0
    assert (run.payments_checked, run.refunds_checked, run.payouts_checked) == (1, 1, 1)
    assert metrics == [(METRIC_NAME, 0)]


def _drop_charge(b):
    b["api"].balance = [t for t in b["api"].balance if t["type"] != "charge"]


def _foreign_charge(b):
    b["api"].add_charge("pi_unknown", 5000)


def _charge_amount(b):
    next(t for t in b["api"].balance if t["type"] == "charge")["amount"] = 10400


def _drop_refund(b):
    b["api"].balance = [t for t in b["api"].balance if t["type"] != "refund"]


def _foreign_refund(b):
    b["api"].add_refund("re_dashboard", 700)


def _refund_amount(b):
    next(t for t in b["api"].balance if t["type"] == "refund")["amount"] = -1500


def _drop_transfer(b):
    b["api"].transfers.clear()


def _foreign_transfer(b):
    t = dict(next(iter(b["api"].transfers.values())), id="tr_stray", metadata={})
    b["api"].transfers["tr_stray"] = t


def _transfer_amount(b):
    next(iter(b["api"].transfers.values()))["amount"] = 8000


def _transfer_reversed_there(b):
    next(iter(b["api"].transfers.values()))["amount_reversed"] = 2000


DRIFTS = [
    (_drop_charge, "missing_at_provider", "payment"),
    (_foreign_charge, "missing_in_ledger", "payment"),
    (_charge_amount, "amount_mismatch", "payment"),
    (_drop_refund, "missing_at_provider", "refund"),
    (_foreign_refund, "missing_in_ledger", "refund"),
    (_refund_amount, "amount_mismatch", "refund"),
    (_drop_transfer, "missing_at_provider", "payout"),
    (_foreign_transfer, "missing_in_ledger", "payout"),
    (_transfer_amount, "amount_mismatch", "payout"),
    (_transfer_reversed_there, "amount_mismatch", "payout"),
]


@pytest.mark.parametrize("drift,kind,subject", DRIFTS, ids=[d[0].__name__.strip("_") for d in DRIFTS])
def test_each_kind_of_drift_is_one_finding_and_raises_the_alarm(books, metrics, caplog, drift, kind, subject):
    # given a day whose books agreed, when the provider's side drifts
    drift(books)
    start, end = today()
    with caplog.at_level(logging.ERROR, logger="agora.payouts.reconcile"):
        run = reconcile(start=start, end=end)
    # then exactly that difference is recorded, and the alarm goes off
    assert run.status == "findings" and run.finding_count == 1
    finding = run.findings.get()
    assert (finding.kind, finding.subject) == (kind, subject)
    assert ALARM_MESSAGE in caplog.text
    assert metrics == [(METRIC_NAME, 1)]


def test_items_near_midnight_are_matched_by_identity_not_by_date(books, metrics):
    # the provider booked the charge a little after the day ended
    charge = next(t for t in books["api"].balance if t["type"] == "charge")
    charge["created"] = int((today()[1] + timedelta(minutes=5)).timestamp())
    start, end = today()
    assert reconcile(start=start, end=end).status == "clean"
    # and the next day does not report it as unknown either
    assert reconcile(start=end, end=end + timedelta(days=1)).status == "clean"


def test_an_unreadable_provider_is_a_failed_run_that_alarms(books, metrics, caplog):
    books["api"].down = True
    start, end = today()
    run = reconcile(start=start, end=end)
    assert run.status == "failed" and run.error
    assert metrics == [(METRIC_NAME, 1)]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_daily_job_on_the_real_worker_records_clean_and_drifting_days(celery_worker, capsys):
    # given a day of business with the dummy provider: a sale paid out
    vendor = VendorFactory.create()
    connected(vendor)
    shipped_sale("60.00", vendor=vendor)
    [pk] = payouts_run(now=later(8), send_now=True).created
    day = timezone.localdate().isoformat()
    from config.celery import app

    def ledger_reconcile_on_worker() -> None:
        app.send_task("agora.payouts.tasks.ledger_reconcile", args=[day])

    # when the worker reconciles the day
    ledger_reconcile_on_worker()
    first = wait_for(lambda: ReconciliationRun.objects.filter(status__in=["clean", "findings"]).first(), timeout=30)
    # then it is clean
    assert first.status == "clean", list(first.findings.values("kind", "subject", "detail", "reference"))
    assert first.payouts_checked == 1 and first.payments_checked == 1

    # when the provider's transfer disappears from its books (drift), the next run finds it
    DummyTransfer.objects.filter(pk=Payout.objects.get(pk=pk).transfer_id).delete()
    ledger_reconcile_on_worker()
    second = wait_for(lambda: ReconciliationRun.objects.filter(status="findings").first(), timeout=30)
    assert second.findings.get().kind == "missing_at_provider"

    # and the command says so and exits 1
    with pytest.raises(SystemExit) as exit_code:
        call_command("ledger_reconcile", "--date", day)
    assert exit_code.value.code == 1
    assert "missing_at_provider payout" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "0001-01-05", "--days", "30"], "before the year 1"),
        (["--date", "0001-01-01"], "before the year 1"),  # its provider data is read from the day before
        (["--date", "9999-12-31"], "in the future"),
        (["--date", "2026-02-30"], "YYYY-MM-DD"),
    ],
)
def test_the_command_refuses_days_it_cannot_reconcile_with_a_clear_error(args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("ledger_reconcile", *args)
    assert not ReconciliationRun.objects.exists()
