"""The ledger's invariants over randomised histories (hypothesis): sales, partial and whole-order
refunds (some failing later), cancellations, payouts with a moving clock, reversals and staff
adjustments, all through the real services on PostgreSQL. After every step:

* each vendor's pending + available is the sum of its entries, paid_out is what its transferred
  payouts still hold (amount - reversed; failed and pending ones excluded) and in_transit what its
  pending ones carry;
* each payout is the sum of the entries it covers, and no entry is covered twice;
* what the ledger owes each vendor for its sub-orders equals an independent computation from the
  shipped sub-orders and the refunds that stand (a sub-order cancelled before shipping: nothing);
* no key is booked twice, however often the events are announced again;
* a refund of the whole order falls on its sub-orders in shares that add up to it exactly, none
  below zero, and no sub-order bears more of them than it was worth; the ledger books each
  shipped sub-order's share.

Histories of orders from four to six vendors (small prices, so cents are rounded everywhere)
check the refunds on their own, and so does one whole-order refund spread over four to six
sub-orders, over many more amounts than the histories reach.
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
from agora.ledger.services import _spread, adjustment_post, refund_shares
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
    def __init__(self, staff_id: int, rates: tuple[str, ...] = ("10.00", "12.50")):
        self.staff_id = staff_id
        self.vendors = [VendorFactory.create(commission_rate=Decimal(r)) for r in rates]
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

    def do_mixed_order(self, cents: list[int]) -> None:
        """One item from each of the first vendors, each at its own price."""
        prices = [str(money(Decimal(c) / 100)) for c in cents]
        self.orders.append(paid_order(*[(v, p, 1) for v, p in zip(self.vendors[: len(prices)], prices, strict=True)]))

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
        for order in self.orders:
            self.check_whole_order_refunds(order)

    def check_whole_order_refunds(self, order: Order) -> None:
        """Each whole-order refund that stands is borne in full by the sub-orders (this test's
        shipping is each vendor's own), never below zero, and no sub-order bears more of them than
        it was worth."""
        vendor_orders = list(order.vendor_orders.all())
        borne = dict.fromkeys((vo.pk for vo in vendor_orders), ZERO)
        for r in Refund.objects.filter(payment__order=order, vendor_order__isnull=True).exclude(
            status__in=("failed", "canceled")
        ):
            shares = refund_shares(r, order, vendor_orders)
            assert sum(shares.values()) == r.amount, (r.amount, shares)
            assert all(share >= ZERO for share in shares.values()), shares
            for pk, share in shares.items():
                borne[pk] += share
        for vo in vendor_orders:
            assert borne[vo.pk] <= vo.subtotal + vo.shipping_total, (vo.subtotal, vo.shipping_total, borne)
            if vo.status == "shipped":  # the ledger books what the sub-order bears, nothing else
                booked = LedgerEntry.objects.filter(vendor_order=vo, type="refund", refund__vendor_order__isnull=True)
                assert -(booked.aggregate(s=Sum("amount"))["s"] or ZERO) == self.whole_order_share(vo, vendor_orders)

    def whole_order_share(self, vo: VendorOrder, vendor_orders: list[VendorOrder]) -> Decimal:
        refunds = Refund.objects.filter(payment__order_id=vo.order_id, vendor_order__isnull=True, status="succeeded")
        return sum((refund_shares(r, vo.order, vendor_orders).get(vo.pk, ZERO) for r in refunds), ZERO)


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


WIDE = ("10.00", "12.50", "0.00", "15.00", "7.50", "20.00")
# Orders from four to six of the six vendors, each at its own price: some of a few cents, so the
# cents of a spread refund matter.
wide_orders = st.tuples(
    st.just("mixed_order"),
    st.lists(st.one_of(st.integers(1, 20), st.integers(1, 5000)), min_size=4, max_size=len(WIDE)),
)
whole_refunds = st.tuples(st.just("refund"), st.integers(0, 20), st.integers(1, 100), st.just(False))
wide_steps = st.tuples(
    st.lists(wide_orders, min_size=1, max_size=2),
    st.lists(
        st.one_of(
            ships,
            ships,
            whole_refunds,
            whole_refunds,
            refunds,
            st.tuples(st.just("cancel"), st.integers(0, 20)),
            st.tuples(st.just("fail_refund"), st.integers(0, 20)),
            st.tuples(st.just("replay"), st.integers(0, 20)),
        ),
        min_size=4,
        max_size=12,
    ),
).map(lambda t: [*t[0], *t[1]])


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=wide_steps)
def test_whole_order_refunds_over_four_to_six_sub_orders_are_borne_to_the_cent(staff_user, history):
    cache.clear()
    with transaction.atomic():
        h = History(staff_user.pk, rates=WIDE)
        for step in history:
            h.apply(step)
            for order in h.orders:
                h.check_whole_order_refunds(order)
        transaction.set_rollback(True)


CENTS = st.integers(0, 1_000_000)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(
    left=st.lists(st.integers(-5_000, 1_000_000), min_size=4, max_size=6),
    platform=st.one_of(st.just(0), CENTS),
    part=st.fractions(0, 1),
)
def test_a_whole_order_refund_over_four_to_six_sub_orders_adds_up_and_stays_within_each(left, platform, part):
    # what each sub-order has left of its goods and shipping (below zero: refunded past its share
    # on its own), and what the order has left: theirs, plus any shipping the platform charged
    left_of = {pk: Decimal(c) / 100 for pk, c in enumerate(left, start=1)}
    order_left = Decimal(sum(left) + platform) / 100
    amount = money(order_left * Decimal(part.numerator) / Decimal(part.denominator))
    if order_left <= ZERO or amount <= ZERO:
        return
    shares = _spread(amount, left_of, order_left)
    # no sub-order gives back less than nothing, or more than it has left
    for pk, share in shares.items():
        assert ZERO <= share <= max(left_of[pk], ZERO), (pk, share, left_of)
    # without platform shipping, the sub-orders bear the refund to the cent
    bases = sum((max(v, ZERO) for v in left_of.values()), ZERO)
    if platform == 0:
        assert sum(shares.values()) == amount, (amount, shares)
    else:  # the platform bears its part of it
        vendors_part = amount * bases / max(order_left, bases)
        assert abs(sum(shares.values()) - vendors_part) < Decimal("0.01"), (amount, vendors_part, shares)
