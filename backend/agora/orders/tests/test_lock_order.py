"""One lock order for every path that locks catalog rows: products (primary key order), then variants.

Checkouts, cancellations, portal edits and CSV imports of the same products run concurrently,
round after round; none of them may deadlock (PostgreSQL would abort one of them, which the API
answers with a 503) and the stock that remains is exactly what the orders did not take.
"""

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection, transaction

from agora.carts.errors import InsufficientStock
from agora.carts.models import Cart, CartItem
from agora.carts.services import cart_add_item
from agora.carts.tests.factories import sellable_variant
from agora.catalog.models import Product, Variant
from agora.catalog.services import product_update
from agora.catalog.services.imports import Row, _Run, _save_chunk
from agora.catalog.tests.factories import ProductFactory, VariantFactory
from agora.orders.fulfilment import LineQuantity, parcel_ship
from agora.orders.models import Order, OrderLine, VendorOrder
from agora.orders.services import order_cancel, order_process
from agora.orders.tests.helpers import fill_cart, guest_checkout, shipping_methods
from agora.returns.models import ReturnRequest
from agora.returns.services import return_approve, return_create, return_refund
from agora.vendors.models import Vendor
from agora.vendors.services import vendor_suspend
from agora.vendors.tests.factories import VendorFactory
from testing.concurrency import at_once

ROUNDS = 25


def _outcome(action):
    try:
        action()
        return "ok"
    except InsufficientStock:
        return "insufficient_stock"
    except Exception as exc:  # noqa: BLE001 - a deadlock (or anything else) fails the test with its name
        return f"error: {exc!r}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_checkouts_cancels_edits_and_imports_of_the_same_products_never_deadlock(sent_tasks):
    shipping_methods()
    vendor = VendorFactory.create()
    products = [ProductFactory.create(vendor=vendor, variants=0) for _ in range(2)]
    # Variants created so that their primary keys interleave across the two products.
    variants = []
    for i in range(4):
        variants.append(VariantFactory.create(product=products[i % 2], stock=10_000, price=Decimal("5.00")))
    categories = {p.category.slug.lower(): p.category for p in products}
    errors: list[str] = []

    for round_no in range(ROUNDS):
        # carts that hold every variant, in both orders
        carts = []
        for i in range(4):
            ordered = variants if i % 2 else list(reversed(variants))
            carts.append(fill_cart(Cart.objects.create(), *[(v, 1) for v in ordered]))
        to_cancel = guest_checkout(fill_cart(Cart.objects.create(), *[(v, 1) for v in variants]).token).order

        def edit(product: Product, price: str):
            own = [v for v in variants if v.product_id == product.pk]
            product_update(
                product=product,
                data={"variants": [{"id": v.pk, "sku": v.sku, "name": v.name, "price": Decimal(price)} for v in own]},
            )

        def import_rows():
            run = _Run(vendor=vendor, categories=categories)
            rows = [
                Row(
                    number=2 + i,
                    sku=v.sku,
                    product_name=next(p.name for p in products if p.pk == v.product_id),
                    variant_name=v.name,
                    price=Decimal("5.00"),
                    stock=10_000,
                    category=next(p.category for p in products if p.pk == v.product_id),
                    description="",
                    attributes=None,
                )
                for i, v in enumerate(reversed(variants))
            ]
            _save_chunk(run, rows)

        actions: list[Callable[[], object]] = [partial(guest_checkout, c.token) for c in carts]
        actions += [partial(edit, p, f"{5 + round_no % 3}.00") for p in products]
        actions.append(partial(order_cancel, order=to_cancel))
        if round_no % 5 == 4:
            actions.append(import_rows)
        results = at_once([partial(_outcome, a) for a in actions])
        errors += [f"round {round_no}: {r}" for r in results if r.startswith("error")]

    assert not errors, errors[:5]
    # every checkout went through (stock is plentiful) and every cancellation too
    assert Order.objects.filter(status="paid").count() == ROUNDS * 4
    assert Order.objects.filter(status="cancelled").count() == ROUNDS
    assert OrderLine.objects.filter(variant__in=variants).count() == ROUNDS * 5 * len(variants)
    assert not Variant.objects.filter(stock__lt=0).exists()


def _overlapping(hold: Callable[[], object], first: Callable[[], object], second: Callable[[], object]) -> list[str]:
    """Runs ``first`` while a third connection holds the rows ``hold`` locks, then ``second``
    while ``first`` waits, then lets go: the two certainly overlap. Answers their outcomes."""
    held, release = threading.Event(), threading.Event()
    outcomes = ["not finished", "not finished"]

    def holder() -> None:
        try:
            with transaction.atomic():
                hold()
                held.set()
                release.wait(20)
        finally:
            connection.close()

    def run(n: int, action: Callable[[], object]) -> threading.Thread:
        def target() -> None:
            try:
                outcomes[n] = _outcome(action)
            finally:
                connection.close()

        thread = threading.Thread(target=target)
        thread.start()
        return thread

    threads = [threading.Thread(target=holder)]
    threads[0].start()
    assert held.wait(10)
    threads.append(run(0, first))
    time.sleep(0.7)  # ``first`` holds its locks and waits for the held rows
    threads.append(run(1, second))
    time.sleep(0.7)  # ``second`` holds what it took before it needs what ``first`` holds
    release.set()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_an_add_to_cart_during_a_checkout_of_that_cart_waits_for_it_rather_than_deadlocking(sent_tasks):
    """Checkout locks the cart row, then deletes the cart's lines; an add of a line the cart holds
    takes the cart row first too (a deadlock would abort one of them: a 503 for the shopper)."""
    shipping_methods()
    variant = sellable_variant(stock=50)
    cart = fill_cart(Cart.objects.create(), (variant, 1))

    outcomes = _overlapping(
        lambda: list(Product.objects.select_for_update().filter(pk=variant.product_id)),
        lambda: guest_checkout(cart.token),
        lambda: cart_add_item(cart=Cart.objects.get(pk=cart.pk), variant_id=variant.pk, quantity=1),
    )

    assert outcomes == ["ok", "ok"]
    assert Order.objects.get().lines.get().quantity == 1
    assert CartItem.objects.get(cart=cart).quantity == 1, "the add landed in the emptied cart"


@pytest.mark.django_db(transaction=True)
def test_a_restocked_return_refund_during_a_checkout_of_that_product_does_not_deadlock(sent_tasks):
    """A checkout holds the product's rows when, at commit, its new sub-order's foreign key takes a
    share lock on the vendor row; a return's refund must not hold that vendor row (it used to, FOR
    UPDATE, through its select_related) while it waits for the product to restock it."""
    shipping_methods()
    lamp = sellable_variant(price="30.00", stock=10)
    order = guest_checkout(fill_cart(Cart.objects.create(), (lamp, 2)).token).order
    order_process(order_id=order.pk)
    vendor_order = VendorOrder.objects.get(order=order)
    parcel_ship(vendor_order=vendor_order)
    line = OrderLine.objects.get(order=order)
    request = return_create(
        order=order, vendor_order_id=vendor_order.pk, lines=[LineQuantity(line.pk, 1)], reason="Scratched."
    )
    return_approve(return_request=request)
    buyer = fill_cart(Cart.objects.create(), (lamp, 1))

    outcomes = _overlapping(
        lambda: list(CartItem.objects.select_for_update().filter(cart=buyer)),  # checkout empties the cart last
        lambda: guest_checkout(buyer.token),
        lambda: return_refund(return_request=request, restock=True),
    )

    assert outcomes == ["ok", "ok"]
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.REFUNDED
    assert Variant.objects.get(pk=lamp.pk).stock == 10 - 2 - 1 + 1


@pytest.mark.django_db(transaction=True)
def test_suspending_a_vendor_while_its_last_unit_sells_does_not_deadlock(sent_tasks):
    """Taking a product's last unit queues it for search (its outbox row locked) before the
    sub-order's foreign key share-locks the vendor row at commit; a suspension writes the vendor
    row, then each of its products' outbox rows, so it must not lock the vendor row against
    that share lock (FOR NO KEY UPDATE does not conflict with it; FOR UPDATE did)."""
    shipping_methods()
    lamp = sellable_variant(price="30.00", stock=1)
    buyer = fill_cart(Cart.objects.create(), (lamp, 1))

    outcomes = _overlapping(
        lambda: list(CartItem.objects.select_for_update().filter(cart=buyer)),
        lambda: guest_checkout(buyer.token),
        lambda: vendor_suspend(vendor=lamp.vendor),
    )

    assert outcomes == ["ok", "ok"]
    assert Vendor.objects.get(pk=lamp.vendor_id).status == Vendor.Status.SUSPENDED
