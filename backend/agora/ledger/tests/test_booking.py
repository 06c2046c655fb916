"""What the ledger books from shipments and refunds, once each, with the hold period."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from agora.core.events import publish
from agora.ledger.models import AppendOnly, LedgerEntry
from agora.ledger.selectors import vendor_balances
from agora.ledger.services import adjustment_post
from agora.ledger.tests.helpers import entries, one_vendor_order, paid_order, refund, ship, total
from agora.orders.events import VendorOrderShipped
from agora.orders.services import order_cancel
from agora.payments.gateways import GatewayRefund
from agora.payments.models import Refund
from agora.payments.services import _upsert
from agora.vendors.tests.factories import VendorFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_shipment_books_the_sale_its_commission_and_the_hold(settings):
    # given a paid sub-order of 100.00 at 10 % commission
    settings.LEDGER_HOLD_DAYS = 7
    _order, vo = one_vendor_order("100.00", rate="10.00")
    assert not LedgerEntry.objects.exists()  # nothing is earned before it ships

    # when the vendor ships it
    vo = ship(vo)

    # then the sale and the commission are booked, held for 7 days from the shipment
    assert entries(vo.vendor) == {"sale": D("100.00"), "commission": D("-10.00")}
    assert vo.shipped_at is not None
    held = {e.available_at for e in LedgerEntry.objects.all()}
    assert held == {vo.shipped_at + timedelta(days=7)}
    [balance] = vendor_balances(vendor=vo.vendor)
    assert (balance.pending, balance.available, balance.paid_out) == (D("90.00"), D("0.00"), D("0.00"))
    later = vendor_balances(vendor=vo.vendor, now=vo.shipped_at + timedelta(days=7))[0]
    assert (later.pending, later.available) == (D("0.00"), D("90.00"))


def test_the_same_shipment_announced_twice_books_once():
    order, vo = one_vendor_order("50.00")
    vo = ship(vo)
    assert vo.shipped_at is not None
    event = VendorOrderShipped(
        vendor_order_id=vo.pk, order_id=order.pk, vendor_id=vo.vendor_id, shipped_at=vo.shipped_at
    )
    with transaction.atomic():
        publish(event)
        publish(event)
    assert LedgerEntry.objects.count() == 2
    assert total(vo.vendor) == D("45.00")


def test_a_vendor_shipping_share_is_the_vendors_money_without_commission(settings):
    # given a sub-order whose customer paid 4.90 for the vendor's parcel (the platform's standard
    # method, applied to each vendor), and commission on goods only (the default)
    settings.COMMISSION_ON_SHIPPING = False
    vendor = VendorFactory.create(commission_rate=D("10.00"))
    order = paid_order((vendor, "40.00", 1), shipping="standard")
    vo = order.vendor_orders.get()
    assert vo.shipping_total == D("4.90")
    ship(vo)
    assert entries(vo.vendor) == {"sale": D("40.00"), "commission": D("-4.00"), "shipping_share": D("4.90")}


def test_with_commission_on_shipping_a_partial_refund_gives_back_the_commission_on_what_went_back(settings):
    # given a sub-order of 40.00 goods + 4.90 shipping, commission (10 %) charged on both
    settings.COMMISSION_ON_SHIPPING = True
    vendor = VendorFactory.create(commission_rate=D("10.00"))
    order = paid_order((vendor, "40.00", 1), shipping="standard")
    vo = order.vendor_orders.get()
    assert (vo.subtotal, vo.shipping_total, vo.commission) == (D("40.00"), D("4.90"), D("4.49"))
    ship(vo)
    # when half the goods go back
    refund(order, "20.00", vo)
    # then the vendor gets back the commission on those 20.00, not on a share of the goods alone
    assert entries(vendor)["refund_commission"] == D("2.00")


def test_with_commission_on_shipping_refunding_the_goods_keeps_the_commission_on_the_kept_shipping(settings):
    # given a sub-order of 40.00 goods + 4.90 shipping, commission (10 %) charged on both
    settings.COMMISSION_ON_SHIPPING = True
    vendor = VendorFactory.create(commission_rate=D("10.00"))
    order = paid_order((vendor, "40.00", 1), shipping="standard")
    vo = order.vendor_orders.get()
    ship(vo)
    # when all the goods go back but the shipping stays with the vendor, and the setting is
    # switched off meanwhile (it applies to orders placed after)
    first = refund(order, "40.00", vo)
    settings.COMMISSION_ON_SHIPPING = False
    # then the commission on the goods comes back; the vendor keeps its shipping less the
    # commission charged on it
    assert entries(vendor, refund=first)["refund_commission"] == D("4.00")
    assert total(vendor) == D("4.41")
    # and once the shipping goes back too, everything nets to zero
    refund(order, "4.90", vo)
    assert entries(vendor)["refund_commission"] == vo.commission
    assert total(vendor) == D("0.00")


def test_a_partial_refund_after_shipment_takes_the_money_and_gives_the_commission_share_back():
    order, vo = one_vendor_order("100.00", rate="10.00")
    ship(vo)
    refund(order, "30.00", vo)
    booked = entries(vo.vendor)
    assert booked["refund"] == D("-30.00") and booked["refund_commission"] == D("3.00")
    assert total(vo.vendor) == D("63.00")
    # available at once (the sale itself is still held)
    refunds = LedgerEntry.objects.filter(type__in=["refund", "refund_commission"])
    assert all(e.available_at <= timezone.now() for e in refunds)


def test_partial_refunds_that_add_up_to_everything_net_to_zero():
    # given odd amounts whose pro rata commission shares round
    order, vo = one_vendor_order("33.33", rate="12.50")
    ship(vo)
    for amount in ("11.11", "11.11", "11.11"):
        refund(order, amount, vo)
    assert total(vo.vendor) == D("0.00")
    assert entries(vo.vendor)["refund_commission"] == vo.commission


def test_a_refund_before_shipment_is_booked_when_it_ships():
    order, vo = one_vendor_order("80.00", rate="10.00")
    refund(order, "20.00", vo)
    assert not LedgerEntry.objects.exists()
    ship(vo)
    assert entries(vo.vendor) == {
        "sale": D("80.00"),
        "commission": D("-8.00"),
        "refund": D("-20.00"),
        "refund_commission": D("2.00"),
    }


def test_a_cancelled_sub_order_never_books_anything(django_capture_on_commit_callbacks):
    order, _vo = one_vendor_order("80.00")
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order)
    assert Refund.objects.filter(payment__order=order, status="succeeded").exists()
    assert not LedgerEntry.objects.exists()


def test_a_refund_of_the_whole_order_is_spread_pro_rata_to_each_sub_orders_goods_and_shipping():
    # given one order with two vendors (60 + 30), each parcel 4.90: total 99.80
    a, b = VendorFactory.create(commission_rate=D("10.00")), VendorFactory.create(commission_rate=D("10.00"))
    order = paid_order((a, "60.00", 1), (b, "30.00", 1), shipping="standard")
    assert order.total == D("99.80")
    vo_a, _vo_b = order.vendor_orders.order_by("pk")
    ship(vo_a)
    # when the whole payment is refunded without naming a sub-order (a dashboard refund, say)
    refund(order, None)
    # then each shipped vendor gives back its own part, shipping included; the unshipped one books
    # nothing yet
    assert entries(a) == {
        "sale": D("60.00"),
        "commission": D("-6.00"),
        "shipping_share": D("4.90"),
        "refund": D("-64.90"),
        "refund_commission": D("6.00"),
    }
    assert total(a) == D("0.00")
    assert not LedgerEntry.objects.filter(vendor=b).exists()


def test_a_refund_of_the_rest_of_the_order_falls_on_what_each_sub_order_has_left():
    # given two shipped sub-orders (60 + 30, each parcel 4.90: total 99.80), and B's refunded in
    # full after a return (34.90)
    a, b = VendorFactory.create(commission_rate=D("10.00")), VendorFactory.create(commission_rate=D("10.00"))
    order = paid_order((a, "60.00", 1), (b, "30.00", 1), shipping="standard")
    vo_a, vo_b = order.vendor_orders.order_by("pk")
    ship(vo_a)
    ship(vo_b)
    refund(order, "34.90", vo_b)
    # when the rest of the payment is refunded without naming a sub-order (staff, the dashboard)
    rest = refund(order, None)
    assert rest.amount == D("64.90")
    # then all of it is A's: B gave its money back already and owes nothing more
    assert entries(a, refund=rest) == {"refund": D("-64.90"), "refund_commission": D("6.00")}
    assert not LedgerEntry.objects.filter(vendor=b, refund=rest).exists()
    assert total(a) == total(b) == D("0.00")


def test_the_shares_of_earlier_refunds_hold_when_a_sub_order_ships_after_them():
    # given three sub-orders of 40 each, free shipping: one refunded 10 on its own, then 30 for the
    # whole order, before any has shipped
    vendors = [VendorFactory.create(commission_rate=D("0.00")) for _ in range(3)]
    order = paid_order(*((v, "40.00", 1) for v in vendors))
    vo_1, vo_2, vo_3 = order.vendor_orders.order_by("pk")
    refund(order, "10.00", vo_1)
    whole = refund(order, "30.00")
    # when each ships, it books its part of the whole-order refund as of what it had left:
    # 30 over 30 / 40 / 40 of the 110 left
    for vo in (vo_3, vo_1, vo_2):
        ship(vo)
    shares = [entries(v, refund=whole)["refund"] for v in vendors]
    assert shares == [D("-8.18"), D("-10.91"), D("-10.91")]
    assert sum(shares) == D("-30.00")
    assert entries(vendors[0])["refund"] == D("-18.18")


def _whole_order_refund_over_shipped_sub_orders(prices: list[str], amount: str) -> dict:
    """Sub-orders of one item at ``prices`` (one vendor each), all shipped, then ``amount`` of the
    order refunded without naming a sub-order: what each sub-order gave back, by sub-order."""
    order = paid_order(*((VendorFactory.create(commission_rate=D("10.00")), p, 1) for p in prices))
    vendor_orders = list(order.vendor_orders.order_by("pk"))
    for vo in vendor_orders:
        ship(vo)
    whole = refund(order, amount)
    return {vo: -entries(vo.vendor, refund=whole).get("refund", D("0.00")) for vo in vendor_orders}


def test_a_whole_order_refund_over_five_sub_orders_books_exactly_the_refund():
    # given five shipped sub-orders of 2.50, 2.50, 2.50, 2.50 and 0.01 (order total 10.01)
    # when staff refund 9.19 of the order without naming a sub-order
    given_back = _whole_order_refund_over_shipped_sub_orders(["2.50"] * 4 + ["0.01"], "9.19")
    # then the vendors together give back exactly what went back to the shopper (not 9.20)
    assert sum(given_back.values()) == D("9.19")
    assert all(D("0.00") <= share <= vo.subtotal for vo, share in given_back.items())


def test_a_whole_order_refund_never_charges_a_sub_order_more_than_it_was_worth():
    # given five shipped sub-orders of 2.50, 0.01, 1.01, 2.50 and 0.07 (order total 8.59)
    # when 5.93 of the order is refunded without naming a sub-order
    given_back = _whole_order_refund_over_shipped_sub_orders(["2.50", "0.01", "1.01", "2.50", "0.07"], "5.93")
    # then no sub-order gives back more than it sold (the 0.07 one was charged 0.08), and together
    # they give back the refund
    over = [(vo.subtotal, share) for vo, share in given_back.items() if share > vo.subtotal]
    assert over == []
    assert sum(given_back.values()) == D("5.93")


def test_a_refund_that_fails_after_it_succeeded_gives_the_money_back_to_the_vendor():
    order, vo = one_vendor_order("100.00", rate="10.00")
    ship(vo)
    r = refund(order, "40.00", vo)
    assert total(vo.vendor) == D("54.00")
    # when the provider reports the refund failed after all
    payment = order.payments.get()
    with transaction.atomic():
        _upsert(payment, GatewayRefund(reference=r.reference, amount=r.amount, currency=r.currency, status="failed"))
    # then the vendor has the money again, booked as new entries (the first ones stay)
    assert total(vo.vendor) == D("90.00")
    assert LedgerEntry.objects.filter(type="refund").count() == 2
    # and a second report of the same outcome books nothing more
    with transaction.atomic():
        _upsert(payment, GatewayRefund(reference=r.reference, amount=r.amount, currency=r.currency, status="failed"))
    assert LedgerEntry.objects.filter(type="refund").count() == 2


def test_entries_are_never_updated_or_deleted():
    _order, vo = one_vendor_order("10.00")
    ship(vo)
    entry = LedgerEntry.objects.get(type="sale")
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("1.00"))
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.all().delete()
    # and the database refuses it too, whatever code tries
    for sql in (
        "UPDATE ledger_ledgerentry SET amount = 1 WHERE id = %s",
        "DELETE FROM ledger_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount


def test_an_adjustment_needs_a_reason_and_keeps_its_author(staff_user):
    vendor = VendorFactory.create()
    from agora.ledger.errors import AdjustmentInvalid

    with pytest.raises(AdjustmentInvalid):
        adjustment_post(vendor=vendor, amount=D("5.00"), currency="EUR", reason=" ", created_by_id=staff_user.pk)
    entry = adjustment_post(
        vendor=vendor, amount=D("-5.00"), currency="eur", reason="damaged item fee", created_by_id=staff_user.pk
    )
    assert (entry.type, entry.amount, entry.currency, entry.created_by_id) == (
        "adjustment",
        D("-5.00"),
        "EUR",
        staff_user.pk,
    )
    assert vendor_balances(vendor=vendor)[0].available == D("-5.00")
