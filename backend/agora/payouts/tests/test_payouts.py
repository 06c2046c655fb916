"""Payout runs with the dummy Connect provider: what is paid, once, and what is carried forward."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.utils import timezone

from agora.ledger import services as ledger
from agora.ledger.models import LedgerEntry
from agora.ledger.selectors import vendor_balances
from agora.ledger.tests.helpers import refund, total
from agora.payouts.errors import AlreadyOnHold, HoldReasonRequired, PayoutNotReversible
from agora.payouts.models import DummyTransfer, Payout, PayoutAccount, PayoutItem
from agora.payouts.services import hold_place, hold_release, payout_reverse, payout_send, payouts_run
from agora.payouts.tests.helpers import connected, later, shipped_sale
from agora.vendors.models import Vendor
from agora.vendors.tests.factories import VendorFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_available_entries_are_paid_once_as_one_transfer_keyed_by_them():
    # given a vendor with two shipped sales, connected to the provider
    vendor = VendorFactory.create(commission_rate=D("10.00"))
    connected(vendor)
    shipped_sale("100.00", vendor=vendor)
    shipped_sale("50.00", vendor=vendor)

    # when the hold has not passed, nothing is paid
    assert payouts_run(send_now=True).created == []

    # when it has
    result = payouts_run(now=later(8), send_now=True)

    # then one payout of the available balance (150 - 15 commission) went out as one transfer
    [payout] = Payout.objects.all()
    assert result.created == [payout.pk]
    assert (payout.amount, payout.status, payout.currency) == (D("135.00"), "paid", "EUR")
    transfer = DummyTransfer.objects.get()
    assert (transfer.amount, transfer.account_id, transfer.id) == (D("135.00"), payout.account_id, payout.transfer_id)
    assert transfer.idempotency_key == payout.idempotency_key
    assert transfer.transfer_group == f"agora-payout-{payout.pk}"
    assert PayoutItem.objects.filter(payout=payout).count() == 4
    # the payout is a ledger entry too: the balance is paid out, nothing left available
    assert LedgerEntry.objects.get(type="payout").amount == D("-135.00")
    balance = vendor_balances(vendor=vendor, now=later(9))[0]
    assert (balance.available, balance.paid_out, balance.pending) == (D("0.00"), D("135.00"), D("0.00"))

    # and running again (even days later) pays nothing twice
    assert payouts_run(now=later(10), send_now=True).created == []
    assert DummyTransfer.objects.count() == 1


def test_sending_a_payout_twice_makes_one_transfer():
    vendor = VendorFactory.create()
    connected(vendor)
    shipped_sale("40.00", vendor=vendor)
    [pk] = payouts_run(now=later(8)).created  # queued for the worker, not sent
    Payout.objects.filter(pk=pk).update(attempts=1)  # as if a worker died in the middle of sending
    payout_send(payout_id=pk)
    Payout.objects.filter(pk=pk).update(status="pending", transfer_id="")
    payout_send(payout_id=pk)
    assert DummyTransfer.objects.count() == 1
    assert Payout.objects.get(pk=pk).status == "paid"


def test_balances_below_the_minimum_are_carried_forward(settings):
    settings.PAYOUT_MINIMUM_AMOUNT = "25.00"
    vendor = VendorFactory.create(commission_rate=D("0.00"))
    connected(vendor)
    shipped_sale("20.00", vendor=vendor)
    result = payouts_run(now=later(8), send_now=True)
    assert result.created == [] and result.skipped == {"below_minimum": 1}
    shipped_sale("10.00", vendor=vendor)
    [pk] = payouts_run(now=later(9), send_now=True).created
    assert Payout.objects.get(pk=pk).amount == D("30.00")


def test_a_refund_after_a_payout_is_carried_into_the_next_payout_as_a_negative_balance():
    vendor = VendorFactory.create(commission_rate=D("10.00"))
    connected(vendor)
    order, vo, _ = shipped_sale("100.00", vendor=vendor)
    payouts_run(now=later(8), send_now=True)
    # when the customer gets 50 back after the vendor was paid
    refund(order, "50.00", vo)
    # then the vendor owes 45: available is negative and no payout is made
    assert vendor_balances(vendor=vendor, now=later(9))[0].available == D("-45.00")
    assert payouts_run(now=later(9), send_now=True).created == []
    # and the next sale pays the difference
    shipped_sale("100.00", vendor=vendor)
    [pk] = payouts_run(now=later(17), send_now=True).created
    assert Payout.objects.get(pk=pk).amount == D("45.00")
    assert total(vendor) == D("0.00")  # everything earned (90 + 90 - 45) was paid (90 + 45)
    assert vendor_balances(vendor=vendor, now=later(18))[0].paid_out == D("135.00")


def test_a_balance_that_nets_to_zero_gets_no_payout_and_the_run_pays_the_others(settings):
    # given an operator who pays every positive balance
    settings.PAYOUT_MINIMUM_AMOUNT = "0.00"
    # and a vendor whose sale shipped and was then refunded in full (its entries net to 0.00),
    # before another vendor with a sale
    first, second = VendorFactory.create(commission_rate=D("10.00")), VendorFactory.create(commission_rate=D("10.00"))
    connected(first)
    connected(second)
    order, vo, _ = shipped_sale("100.00", vendor=first)
    refund(order, None, vo)
    shipped_sale("50.00", vendor=second)
    # when the payouts run
    result = payouts_run(now=later(8), send_now=True)
    # then the second vendor is paid, and the first gets no payout of nothing (it used to stop
    # the run for everyone with an error)
    assert [(p.vendor_id, p.amount) for p in Payout.objects.order_by("pk")] == [(second.pk, D("45.00"))]
    assert result.skipped == {"below_minimum": 1}
    assert vendor_balances(vendor=first, now=later(9))[0].available == D("0.00")


def test_a_payout_that_cannot_be_written_for_one_vendor_does_not_stop_the_run_for_the_others(monkeypatch, caplog):
    # given two vendors with a sale each, and the first one's payout failing to be written
    first, second = VendorFactory.create(commission_rate=D("10.00")), VendorFactory.create(commission_rate=D("10.00"))
    for v in (first, second):
        connected(v)
        shipped_sale("40.00", vendor=v)
    post = ledger.payout_post

    def payout_post(*, vendor_id: int, **kwargs) -> None:
        if vendor_id == first.pk:
            raise DatabaseError("could not extend file: No space left on device")
        post(vendor_id=vendor_id, **kwargs)

    monkeypatch.setattr(ledger, "payout_post", payout_post)
    # when the payouts run
    result = payouts_run(now=later(8), send_now=True)
    # then the second vendor is still paid; the first's balance waits for the next run, whole
    assert [p.vendor_id for p in Payout.objects.all()] == [second.pk]
    assert result.skipped == {"failed": 1}
    assert vendor_balances(vendor=first, now=later(9))[0].available == D("36.00")
    assert f"vendor {first.pk}" in caplog.text
    monkeypatch.undo()
    assert payouts_run(now=later(9), send_now=True, vendor_ids=[first.pk]).created != []


def test_vendors_without_an_enabled_account_on_hold_or_not_approved_are_not_paid(staff_user):
    plain, onboarding, held, suspended = (VendorFactory.create() for _ in range(4))
    connected(onboarding, enabled=False)
    connected(held)
    connected(suspended)
    for v in (plain, onboarding, held, suspended):
        shipped_sale("30.00", vendor=v)
    Vendor.objects.filter(pk=suspended.pk).update(status=Vendor.Status.SUSPENDED)
    hold_place(vendor=held, reason="chargeback under review", created_by_id=staff_user.pk)

    result = payouts_run(now=later(8), send_now=True)
    assert result.created == []
    assert result.skipped == {"account_not_enabled": 1, "on_hold": 1, "vendor_not_approved": 1}

    # a released hold pays at the next run
    assert hold_release(vendor=held, released_by_id=staff_user.pk, note="resolved") == 1
    assert len(payouts_run(now=later(8), send_now=True).created) == 1


def test_a_hold_needs_a_reason_and_there_is_one_at_a_time(staff_user):
    vendor = VendorFactory.create()
    with pytest.raises(HoldReasonRequired):
        hold_place(vendor=vendor, reason="  ", created_by_id=staff_user.pk)
    hold_place(vendor=vendor, reason="KYC", created_by_id=staff_user.pk)
    with pytest.raises(AlreadyOnHold):
        hold_place(vendor=vendor, reason="again", created_by_id=staff_user.pk)


def test_a_weekly_vendor_is_paid_on_its_weekday_only():
    vendor = VendorFactory.create()
    monday_after = later(8)
    while monday_after.weekday() != 0:
        monday_after += timedelta(days=1)
    connected(vendor, schedule=PayoutAccount.Schedule.WEEKLY, weekly_anchor=0)
    shipped_sale("30.00", vendor=vendor)
    tuesday = monday_after + timedelta(days=1)
    assert payouts_run(now=tuesday, send_now=True).skipped == {"not_due": 1}
    assert len(payouts_run(now=monday_after + timedelta(days=7), send_now=True).created) == 1


def test_a_refused_transfer_fails_the_payout_and_gives_the_amount_back():
    vendor = VendorFactory.create(commission_rate=D("0.00"))
    account = connected(vendor)
    shipped_sale("60.00", vendor=vendor)
    # the provider has meanwhile restricted the account (our flag did not know yet)
    from agora.payouts.models import DummyConnectAccount

    DummyConnectAccount.objects.filter(pk=account.account_id).update(payouts_enabled=False)
    [pk] = payouts_run(now=later(8), send_now=True).created
    payout = Payout.objects.get(pk=pk)
    assert payout.status == "failed" and "cannot receive" in payout.failure_reason
    assert LedgerEntry.objects.get(type="payout_reversal").amount == D("60.00")
    assert vendor_balances(vendor=vendor, now=later(8))[0].available == D("60.00")
    # once the account works again the next run pays the reversal on
    DummyConnectAccount.objects.filter(pk=account.account_id).update(payouts_enabled=True)
    [again] = payouts_run(now=later(9), send_now=True).created
    assert Payout.objects.get(pk=again).amount == D("60.00")
    assert Payout.objects.get(pk=again).status == "paid"


def test_staff_reverse_a_payout_and_the_amount_returns_to_the_balance():
    vendor = VendorFactory.create(commission_rate=D("0.00"))
    connected(vendor)
    shipped_sale("80.00", vendor=vendor)
    [pk] = payouts_run(now=later(8), send_now=True).created
    payout_reverse(payout_id=pk, amount=D("30.00"))
    payout = Payout.objects.get(pk=pk)
    assert (payout.status, payout.amount_reversed) == ("paid", D("30.00"))
    assert DummyTransfer.objects.get().amount_reversed == D("30.00")
    payout_reverse(payout_id=pk)  # the rest
    payout = Payout.objects.get(pk=pk)
    assert (payout.status, payout.amount_reversed) == ("reversed", D("80.00"))
    assert sorted(e.amount for e in LedgerEntry.objects.filter(type="payout_reversal")) == [D("30.00"), D("50.00")]
    assert vendor_balances(vendor=vendor, now=later(8))[0].available == D("80.00")
    with pytest.raises(PayoutNotReversible):
        payout_reverse(payout_id=pk)


def test_the_management_command_pays_what_is_available_at_the_given_moment(capsys):
    vendor = VendorFactory.create(commission_rate=D("10.00"))
    connected(vendor)
    shipped_sale("100.00", vendor=vendor)
    call_command("payouts_run")
    assert not Payout.objects.exists()
    call_command("payouts_run", "--now", "+8d", "--vendor", vendor.slug)
    assert Payout.objects.get().status == "paid"
    assert "Created 1 payout(s)" in capsys.readouterr().out


def test_the_command_refuses_a_moved_clock_in_production(settings):
    from django.core.management.base import CommandError

    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="refused in production"):
        call_command("payouts_run", "--now", "+8d")


@pytest.mark.parametrize(
    "moment",
    [
        "2026-02-30T00:00:00",  # well-formed, but no such day (a typo for 2026-03-02)
        "+999999999d",  # past the year 9999
        "+99999999999h",
        "9999-12-31T23:59:59-05:00",  # in UTC, the year 10000
    ],
)
def test_the_command_refuses_an_impossible_moment_with_a_clear_error(moment):
    from django.core.management.base import CommandError

    vendor = VendorFactory.create()
    connected(vendor)
    shipped_sale("30.00", vendor=vendor)
    with pytest.raises(CommandError, match="--now"):
        call_command("payouts_run", "--now", moment)
    assert not Payout.objects.exists()


def test_pending_payouts_are_redriven_after_a_while(sent_tasks, django_capture_on_commit_callbacks):
    vendor = VendorFactory.create()
    connected(vendor)
    shipped_sale("30.00", vendor=vendor)
    [pk] = payouts_run(now=later(8)).created
    from agora.payouts.services import payouts_redrive

    assert payouts_redrive(now=timezone.now()) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert payouts_redrive(now=timezone.now() + timedelta(hours=1)) == 1
    assert ("agora.payouts.tasks.payout_send", (pk,)) in sent_tasks
