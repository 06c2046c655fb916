"""Oversell-proof checkout under real concurrency on PostgreSQL.

Each round: 50 guest buyers, each with their own database connection, check out at the same
moment. All want the hot variant (stock 5); half also hold a second variant that the others
buy too, and some rounds create the second variant first so its primary key sorts before the
hot one (lock order is by primary key, whatever the cart order). Orders already exist.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from agora.carts.errors import InsufficientStock
from agora.carts.models import Cart, CartItem
from agora.carts.tests.factories import sellable_variant
from agora.catalog.models import Variant
from agora.orders.models import Order, OrderLine
from agora.orders.tests.helpers import fill_cart, guest_checkout, shipping_methods
from agora.vendors.tests.factories import VendorFactory

BUYERS = 50
ROUNDS = 20
HOT_STOCK = 5


class Buyers:
    """BUYERS threads that live for the whole test (one database connection each) and check out
    together at the start of every round."""

    def __init__(self):
        self.start = threading.Barrier(BUYERS + 1)
        self.done = threading.Barrier(BUYERS + 1)
        self.tokens: list[str] = []
        self.outcomes: list = []
        self.stop = False
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(BUYERS)]
        for t in self.threads:
            t.start()

    def _run(self, i: int) -> None:
        try:
            while True:
                self.start.wait()
                if self.stop:
                    return
                self.outcomes.append(_buy(self.tokens[i]))
                self.done.wait()
        finally:
            connection.close()

    def round(self, tokens: list[str]) -> list:
        self.tokens, self.outcomes = tokens, []
        self.start.wait()
        self.done.wait(120)
        return self.outcomes

    def close(self) -> None:
        self.stop = True
        self.start.wait()
        for t in self.threads:
            t.join(10)


def _buy(cart_token: str):
    try:
        result = guest_checkout(cart_token, payment_token="tok_ok")
        return ("ok", result.order.pk)
    except InsufficientStock as exc:
        return ("insufficient_stock", exc.details)
    except Exception as exc:  # noqa: BLE001 - a deadlock or anything else must fail the test, with its name
        return ("error", repr(exc))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_racing_for_five_units_never_oversell(sent_tasks):
    shipping_methods()
    vendor_a, vendor_b = VendorFactory.create(), VendorFactory.create()
    # existing orders already present
    old = sellable_variant(stock=10, vendor=vendor_a)
    for _ in range(3):
        cart = fill_cart(Cart.objects.create(), (old, 1))
        guest_checkout(cart.token, email="early@example.com")
    buyers = Buyers()
    started = time.monotonic()

    try:
        for round_no in range(ROUNDS):
            if round_no % 2:
                second = sellable_variant(stock=1000, price="3.00", vendor=vendor_b)
                hot = sellable_variant(stock=HOT_STOCK, price="20.00", vendor=vendor_a)
            else:
                hot = sellable_variant(stock=HOT_STOCK, price="20.00", vendor=vendor_a)
                second = sellable_variant(stock=1000, price="3.00", vendor=vendor_b)
            carts = Cart.objects.bulk_create([Cart() for _ in range(BUYERS)])
            items = []
            for i, cart in enumerate(carts):
                items.append(CartItem(cart=cart, variant=hot, quantity=1, unit_price=hot.price))
                if i % 2:
                    items.append(CartItem(cart=cart, variant=second, quantity=2, unit_price=second.price))
            CartItem.objects.bulk_create(items)
            orders_before = Order.objects.count()

            outcomes = buyers.round([c.token for c in carts])

            kinds = [kind for kind, _ in outcomes]
            errors = [detail for kind, detail in outcomes if kind == "error"]
            assert not errors, f"round {round_no}: {errors[:3]}"
            assert kinds.count("ok") == HOT_STOCK, f"round {round_no}: {kinds.count('ok')} succeeded"
            assert kinds.count("insufficient_stock") == BUYERS - HOT_STOCK
            assert all(d["variant_id"] == hot.pk and d["available"] == 0 for k, d in outcomes if k != "ok")
            hot.refresh_from_db()
            second.refresh_from_db()
            assert hot.stock == 0
            # what left the shelf is exactly what the orders hold
            sold_second = sum(OrderLine.objects.filter(variant=second).values_list("quantity", flat=True))
            assert second.stock == 1000 - sold_second
            assert sum(OrderLine.objects.filter(variant=hot).values_list("quantity", flat=True)) == HOT_STOCK
            assert Order.objects.count() == orders_before + HOT_STOCK
            paid_total = sum(
                Order.objects.filter(pk__in=[d for k, d in outcomes if k == "ok"]).values_list("total", flat=True)
            )
            # each order pays its items plus 4.90 per vendor parcel (the second vendor's too)
            paid_total_expected = HOT_STOCK * Decimal("24.90") + Decimal("10.90") * (sold_second // 2)
            assert paid_total == paid_total_expected
    finally:
        buyers.close()
    assert not Variant.objects.filter(stock__lt=0).exists()
    print(f"\n{ROUNDS} rounds x {BUYERS} buyers in {time.monotonic() - started:.1f}s")  # noqa: T201


@pytest.mark.django_db(transaction=True)
def test_one_cart_checked_out_twice_at_once_places_one_order(sent_tasks, make_user):
    """Two tabs, or a double click past the idempotency key: the second checkout waits on the
    cart's lock, then finds the cart the first one emptied."""
    from agora.orders import checkout
    from agora.orders.errors import EmptyCart
    from agora.orders.tests.helpers import ADDRESS

    shipping_methods()
    variant = sellable_variant(stock=10)
    guest = fill_cart(Cart.objects.create(), (variant, 2))
    user = make_user()
    fill_cart(Cart.objects.create(user=user), (variant, 3))

    def signed_in():
        return checkout.checkout(
            user=user,
            cart_token=None,
            email=user.email,
            shipping_address=ADDRESS,
            shipping_method="standard",
            payment_method="dummy",
        )

    for attempt in (lambda: guest_checkout(guest.token), signed_in):
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def buy(attempt=attempt, start=start, outcomes=outcomes):
            try:
                start.wait()
                attempt()
                outcomes.append("ok")
            except EmptyCart:
                outcomes.append("empty")
            except Exception as exc:  # noqa: BLE001 - anything else must fail the test, with its name
                outcomes.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=buy) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(outcomes) == ["empty", "ok"], outcomes

    assert Order.objects.count() == 2
    variant.refresh_from_db()
    assert variant.stock == 10 - 2 - 3  # each cart's units taken once
