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
from agora.orders.models import Order, OrderLine
from agora.orders.services import order_cancel
from agora.orders.tests.helpers import fill_cart, guest_checkout, shipping_methods
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


@pytest.mark.django_db(transaction=True)
def test_an_add_to_cart_during_a_checkout_of_that_cart_waits_for_it_rather_than_deadlocking(sent_tasks):
    """Checkout locks the cart row, then deletes the cart's lines; an add of a line the cart holds
    must take the cart row first too, or one of the two is aborted (a 503 for the shopper).
    A third connection holds the product a moment so that the two certainly overlap."""
    shipping_methods()
    variant = sellable_variant(stock=50)
    cart = fill_cart(Cart.objects.create(), (variant, 1))
    held, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def hold_the_product():
        try:
            with transaction.atomic():
                list(Product.objects.select_for_update().filter(pk=variant.product_id))
                held.set()
                release.wait(20)
        finally:
            connection.close()

    def run(name: str, action: Callable[[], object]) -> threading.Thread:
        def target() -> None:
            try:
                results[name] = _outcome(action)
            finally:
                connection.close()

        thread = threading.Thread(target=target)
        thread.start()
        return thread

    blocker = threading.Thread(target=hold_the_product)
    blocker.start()
    assert held.wait(10)
    checkout = run("checkout", lambda: guest_checkout(cart.token))
    time.sleep(0.7)  # the checkout holds the cart row and waits for the product
    add = run("add", lambda: cart_add_item(cart=Cart.objects.get(pk=cart.pk), variant_id=variant.pk, quantity=1))
    time.sleep(0.7)  # the add waits for the cart row (it used to hold its line by now)
    release.set()
    for thread in (blocker, checkout, add):
        thread.join(30)

    assert results == {"checkout": "ok", "add": "ok"}
    assert Order.objects.get().lines.get().quantity == 1
    assert CartItem.objects.get(cart=cart).quantity == 1, "the add landed in the emptied cart"
