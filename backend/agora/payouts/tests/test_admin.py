"""The money back office: balances, holds with reasons, manual adjustments with reasons, payouts
and reconciliation runs — and no way to edit or delete a ledger entry."""

from decimal import Decimal

import pytest
from django.urls import reverse

from agora.ledger.models import LedgerEntry
from agora.payouts.models import Payout, PayoutHold, ReconciliationRun
from agora.payouts.services import payouts_run
from agora.payouts.services.reconcile import day_bounds, reconcile
from agora.payouts.tests.helpers import connected, later, shipped_sale
from agora.vendors.tests.factories import VendorFactory
from testing.clients import admin_client_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_vendor(db):
    vendor = VendorFactory.create(commission_rate=Decimal("10.00"))
    connected(vendor)
    shipped_sale("100.00", vendor=vendor)
    payouts_run(now=later(8), send_now=True)
    return vendor


def test_every_money_page_renders(admin_client, paid_vendor):
    from django.utils import timezone

    start, end = day_bounds(timezone.localdate())
    run = reconcile(start=start, end=end)
    payout = Payout.objects.get()
    entry = LedgerEntry.objects.get(type="sale")
    for name in (
        "ledger_ledgerentry",
        "ledger_manualadjustment",
        "payouts_vendorbalance",
        "payouts_payoutaccount",
        "payouts_payouthold",
        "payouts_payout",
        "payouts_reconciliationrun",
        "payouts_reconciliationfinding",
        "payouts_providerevent",
    ):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert admin_client.get(reverse("admin:payouts_payout_change", args=[payout.pk])).status_code == 200
    assert admin_client.get(reverse("admin:payouts_reconciliationrun_change", args=[run.pk])).status_code == 200
    assert admin_client.get(reverse("admin:ledger_ledgerentry_change", args=[entry.pk])).status_code == 200
    assert admin_client.get(reverse("admin:payouts_vendorbalance_change", args=[paid_vendor.pk])).status_code == 200
    balances = admin_client.get(reverse("admin:payouts_vendorbalance_changelist")).content.decode()
    assert "90.00" in balances  # paid out


def test_the_vendor_balances_page_counts_a_payout_as_paid_out_once_transferred(admin_user, rf):
    from django.contrib import admin

    from agora.payouts.admin import VendorBalanceAdmin
    from agora.payouts.models import VendorBalance
    from agora.payouts.services import payout_send

    vendor = VendorFactory.create(commission_rate=Decimal("10.00"))
    connected(vendor)
    shipped_sale("100.00", vendor=vendor)
    [pk] = payouts_run(now=later(8)).created  # queued for the worker, not transferred yet
    page = admin.site._registry[VendorBalance]
    assert isinstance(page, VendorBalanceAdmin)
    request = rf.get("/")
    request.user = admin_user

    assert page.paid_out(page.get_queryset(request).get(pk=vendor.pk)) == Decimal("0.00")
    payout_send(payout_id=pk)
    assert page.paid_out(page.get_queryset(request).get(pk=vendor.pk)) == Decimal("90.00")


def test_ledger_entries_cannot_be_changed_or_deleted_in_the_admin(admin_client, paid_vendor):
    entry = LedgerEntry.objects.get(type="sale")
    change = admin_client.post(reverse("admin:ledger_ledgerentry_change", args=[entry.pk]), {"amount": "1.00"})
    assert change.status_code == 403
    delete = admin_client.post(reverse("admin:ledger_ledgerentry_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("100.00")
    assert admin_client.get(reverse("admin:ledger_ledgerentry_add")).status_code == 403


def test_a_manual_adjustment_needs_a_reason_and_records_its_author(admin_client, admin_user, paid_vendor):
    url = reverse("admin:ledger_manualadjustment_add")
    missing = admin_client.post(url, {"vendor": paid_vendor.pk, "amount": "-5.00", "currency": "EUR", "reason": ""})
    assert missing.status_code == 200 and "This field is required" in missing.content.decode()
    assert not LedgerEntry.objects.filter(type="adjustment").exists()
    done = admin_client.post(
        url, {"vendor": paid_vendor.pk, "amount": "-5.00", "currency": "EUR", "reason": "Damaged parcel fee"}
    )
    assert done.status_code == 302
    entry = LedgerEntry.objects.get(type="adjustment")
    assert (entry.amount, entry.reason, entry.created_by_id) == (Decimal("-5.00"), "Damaged parcel fee", admin_user.pk)


def test_a_bad_currency_in_a_manual_adjustment_is_a_form_error_not_a_500(admin_client, paid_vendor):
    before = LedgerEntry.objects.count()
    admin_client.raise_request_exception = False
    r = admin_client.post(
        reverse("admin:ledger_manualadjustment_add"),
        {"vendor": paid_vendor.pk, "amount": "10.00", "currency": "E1R", "reason": "goodwill"},
    )
    assert r.status_code == 200  # the form again, with the error next to the currency
    assert r.context["adminform"].form.errors["currency"] == ["A currency is three letters (ISO 4217), like EUR."]
    assert LedgerEntry.objects.count() == before
    done = admin_client.post(
        reverse("admin:ledger_manualadjustment_add"),
        {"vendor": paid_vendor.pk, "amount": "10.00", "currency": " eur", "reason": "goodwill"},
    )
    assert done.status_code == 302
    assert LedgerEntry.objects.get(type="adjustment").currency == "EUR"


def test_staff_hold_and_release_payouts_with_a_reason(admin_client, admin_user, paid_vendor):
    url = reverse("admin:payouts_vendorbalance_changelist")
    form = {"action": "hold_payouts", "_selected_action": [paid_vendor.pk]}
    admin_client.post(url, {**form, "note": ""})
    assert not PayoutHold.objects.exists()  # a hold needs a reason
    admin_client.post(url, {**form, "note": "chargeback under review"})
    hold = PayoutHold.objects.get()
    assert (hold.reason, hold.created_by_id, hold.released_at) == ("chargeback under review", admin_user.pk, None)
    shipped_sale("50.00", vendor=paid_vendor)
    assert payouts_run(now=later(20), send_now=True).skipped == {"on_hold": 1}
    admin_client.post(url, {"action": "release_hold", "_selected_action": [paid_vendor.pk], "note": "resolved"})
    hold.refresh_from_db()
    assert hold.released_by_id == admin_user.pk and hold.release_note == "resolved"


def test_staff_reverse_a_payout_from_the_admin(admin_client, paid_vendor):
    payout = Payout.objects.get()
    admin_client.post(
        reverse("admin:payouts_payout_changelist"), {"action": "reverse", "_selected_action": [payout.pk]}
    )
    payout.refresh_from_db()
    assert payout.status == "reversed"
    assert LedgerEntry.objects.get(type="payout_reversal").amount == Decimal("90.00")
    assert ReconciliationRun.objects.count() == 0


def test_view_only_staff_cannot_pay_hold_or_reverse_payouts(make_user, paid_vendor):
    other = VendorFactory.create(commission_rate=Decimal("10.00"))
    connected(other)
    shipped_sale("40.00", vendor=other)
    payout = Payout.objects.get()
    viewer = admin_client_with(make_user, "view_vendorbalance", "view_payout")
    balances = reverse("admin:payouts_vendorbalance_changelist")
    payouts = reverse("admin:payouts_payout_changelist")
    assert viewer.get(balances).status_code == 200  # they may look
    assert viewer.get(payouts).status_code == 200
    viewer.post(balances, {"action": "hold_payouts", "_selected_action": [other.pk], "note": "fraud?"})
    viewer.post(balances, {"action": "pay_now", "_selected_action": [other.pk]})
    viewer.post(payouts, {"action": "reverse", "_selected_action": [payout.pk]})
    assert not PayoutHold.objects.filter(vendor=other).exists(), "view-only staff placed a payout hold"
    assert Payout.objects.count() == 1, "view-only staff paid a vendor"
    assert Payout.objects.get().status == "paid", "view-only staff reversed a payout"
    # staff given the right to manage payouts may act
    manager = admin_client_with(make_user, "view_vendorbalance", "view_payout", "manage_payouts")
    manager.post(balances, {"action": "hold_payouts", "_selected_action": [other.pk], "note": "fraud?"})
    manager.post(payouts, {"action": "reverse", "_selected_action": [payout.pk]})
    assert PayoutHold.objects.get(vendor=other).reason == "fraud?"
    assert Payout.objects.get().status == "reversed"
