"""The ledger's invariants over randomised histories (hypothesis): sales, partial and whole-order
refunds (some failing later), cancellations, payouts with a moving clock, reversals and staff
adjustments, all through the real services on PostgreSQL. After every step:

* each vendor's pending + available is the sum of its entries, paid_out is what its transferred
  payouts still hold (amount - reversed; failed and pending ones excluded) and in_transit what its
  pending ones carry;
* each payout is the sum of the entries it covers, and no entry is covered twice;
* what the ledger owes each vendor for its sub-orders equals an independent computation from the
  shipped sub-orders and the refunds that stand (a sub-order cancelled before shipping: nothing);
* no key is booked twice, however often the events are announced again.
"""

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.core.errors import DomainError
from agora.core.events import publish
from agora.core.money import money
from agora.ledger.models import LedgerEntry
from agora.ledger.selectors import vendor_balances
from agora.ledger.services import adjustment_post, refund_shares
from agora.ledger.tests.helpers import paid_order
from agora.orders.events import VendorOrderShipped
from agora.orders.models import Order, VendorOrder
from agora.orders.services import order_cancel, order_release_payment, vendor_order_ship
from agora.payments.gateways import GatewayRefund
from agora.payments.models import Payment, Refund
from agora.payments.services import _upsert, refund_request, refundable_amount
from agora.payouts.models import Payout, PayoutItem
from agora.payouts.services import payout_reverse, payouts_run
from agora.payouts.tests.helpers import connected
from agora.vendors.tests.factories import VendorFactory

ZERO = Decimal("0.00")
SALES = ("sale", "commission", "shipping_share", "refund", "refund_commission")

orders = st.tuples(st.just("order"), st.integers(1, 3), st.integers(100, 20000), st.integers(1, 3))
ships = st.tuples(st.just("ship"), st.integers(0, 20))
refunds = st.tuples(st.just("refund"), st.integers(0, 20), st.integers(1, 100), st.booleans())
# Histories open with a few orders, and shipments, refunds and payouts come up more often than the
# rest, so most histories reach refunds after shipment and after payout.
steps = st.tuples(
    st.lists(orders, min_size=1, max_size=3),
    st.lists(
        st.one_of(
            orders,
            ships,
            ships,
            refunds,
            refunds,
            st.tuples(st.just("payout")),
            st.tuples(st.just("cancel"), st.integers(0, 20)),
            st.tuples(st.just("fail_refund"), st.integers(0, 20)),
            st.tuples(st.just("advance"), st.integers(1, 10)),
            st.tuples(st.just("payout")),
            st.tuples(st.just("reverse"), st.integers(0, 20), st.integers(1, 100)),
            st.tuples(st.just("adjust"), st.integers(0, 1), st.integers(-3000, 3000).filter(bool)),
            st.tuples(st.just("replay"), st.integers(0, 20)),
        ),
        min_size=4,
        max_size=16,
    ),
).map(lambda t: [*t[0], *t[1]])


class History:
    def __init__(self, staff_id: int):
        self.staff_id = staff_id
        self.vendors = [VendorFactory.create(commission_rate=Decimal(r)) for r in ("10.00", "12.50")]
        for v in self.vendors:
            connected(v)
        self.orders: list[Order] = []
        self.clock = timezone.now()

    def pick(self, items: list, i: int):
        return items[i % len(items)] if items else None

    def apply(self, step: tuple) -> None:
        kind, *args = step
        getattr(self, f"do_{kind}")(*args)

    def do_order(self, mask: int, cents: int, qty: int) -> None:
        chosen = [v for i, v in enumerate(self.vendors) if mask & (1 << i)]
        price = str(money(Decimal(cents) / 100))
        self.orders.append(paid_order(*[(v, price, qty) for v in chosen]))

    def _vendor_orders(self) -> list[VendorOrder]:
        return list(VendorOrder.objects.filter(order__in=self.orders).order_by("pk"))

    def do_ship(self, i: int) -> None:
        vo = self.pick(self._vendor_orders(), i)
        if vo is not None:
            with suppress(DomainError):
                vendor_order_ship(vendor_order=vo)

    def do_refund(self, i: int, percent: int, for_sub_order: bool) -> None:
        order = self.pick(self.orders, i)
        if order is None:
            return
        payment = Payment.objects.get(order=order)
        left = refundable_amount(payment)
        vo = self.pick(list(order.vendor_orders.order_by("pk")), percent) if for_sub_order else None
        if vo is not None:
            left = min(left, vo.subtotal + vo.shipping_total)
        amount = max(money(left * percent / 100), Decimal("0.01"))
        if left <= ZERO or amount > left:
            return
        with suppress(DomainError):
            refund_request(payment_id=payment.pk, amount=amount, vendor_order_id=vo.pk if vo else None)

    def do_cancel(self, i: int) -> None:
        order = self.pick(self.orders, i)
        if order is None:
            return
        try:
            order_cancel(order=order)
        except DomainError:
            return
        order_release_payment(payment_id=Payment.objects.get(order=order).pk)  # what the worker does after commit

    def do_fail_refund(self, i: int) -> None:
        refund = self.pick(list(Refund.objects.filter(status="succeeded").order_by("pk")), i)
        if refund is None:
            return
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
            _upsert(payment, GatewayRefund(refund.reference, refund.amount, refund.currency, "failed"))

    def do_advance(self, days: int) -> None:
        self.clock += timedelta(days=days)

    def do_payout(self) -> None:
        payouts_run(now=self.clock, send_now=True)

    def do_reverse(self, i: int, percent: int) -> None:
        payout = self.pick(list(Payout.objects.filter(status="paid").order_by("pk")), i)
        if payout is None:
            return
        amount = max(money((payout.amount - payout.amount_reversed) * percent / 100), Decimal("0.01"))
        with suppress(DomainError):
            payout_reverse(payout_id=payout.pk, amount=amount)

    def do_adjust(self, which: int, cents: int) -> None:
        adjustment_post(
            vendor=self.vendors[which],
            amount=Decimal(cents) / 100,
            currency="EUR",
            reason="invariant test",
            created_by_id=self.staff_id,
        )

    def do_replay(self, i: int) -> None:
        """Every shipment announced again (a re-delivered event): nothing may book twice."""
        vo = self.pick(list(VendorOrder.objects.filter(order__in=self.orders, status="shipped")), i)
        if vo is not None and vo.shipped_at is not None:
            with transaction.atomic():
                publish(VendorOrderShipped(vo.pk, vo.order_id, vo.vendor_id, vo.shipped_at))

    # --- the invariants ----------------------------------------------------------------------

    def expected_sales_net(self, vendor) -> Decimal:
        """What the vendor's sub-orders earn, computed from orders and refunds, not from entries."""
        total = ZERO
        for vo in VendorOrder.objects.filter(vendor=vendor, status="shipped").select_related("order"):
            vendor_orders = list(vo.order.vendor_orders.all())
            refunded = ZERO
            for r in Refund.objects.filter(payment__order=vo.order, status="succeeded"):
                refunded += refund_shares(r, vo.order, vendor_orders).get(vo.pk, ZERO)
            base = vo.subtotal + vo.shipping_total if vo.commission_on_shipping else vo.subtotal
            if base and vo.commission:
                back = vo.commission if refunded >= base else money(vo.commission * refunded / base)
            else:
                back = ZERO
            total += vo.subtotal + vo.shipping_total - vo.commission - refunded + back
        return total

    def check(self) -> None:
        for vendor in self.vendors:
            entries = LedgerEntry.objects.filter(vendor=vendor)
            [balance] = vendor_balances(vendor=vendor, now=self.clock)
            assert balance.pending + balance.available == (entries.aggregate(s=Sum("amount"))["s"] or ZERO)
            paid = in_transit = ZERO
            for p in Payout.objects.filter(vendor=vendor):
                covered = PayoutItem.objects.filter(payout=p).aggregate(s=Sum("entry__amount"))["s"]
                assert p.amount == covered and p.amount > ZERO
                if p.status == "pending":
                    in_transit += p.amount
                elif p.status != "failed":
                    paid += p.amount - p.amount_reversed
            assert (balance.paid_out, balance.in_transit) == (paid, in_transit)
            sales = entries.filter(type__in=SALES).aggregate(s=Sum("amount"))["s"] or ZERO
            assert sales == self.expected_sales_net(vendor)
            # everything available and not yet paid is exactly what a payout would pay now
            unpaid = entries.filter(available_at__lte=self.clock, payout_item__isnull=True).exclude(type="payout")
            assert balance.available == (unpaid.aggregate(s=Sum("amount"))["s"] or ZERO)
        cancelled = VendorOrder.objects.filter(order__in=self.orders, status="cancelled", shipped_at__isnull=True)
        assert not LedgerEntry.objects.filter(vendor_order__in=cancelled).exists()


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=steps)
def test_balances_always_equal_the_sum_of_entries_and_nothing_is_booked_twice(staff_user, history):
    cache.clear()  # checkout's rate limits count per client address across examples
    with transaction.atomic():
        h = History(staff_user.pk)
        for step in history:
            h.apply(step)
            h.check()
        transaction.set_rollback(True)  # the next history starts from an empty ledger
