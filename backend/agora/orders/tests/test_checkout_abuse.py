"""Checkout cannot be used to hold a competitor's stock or to place one cart twice."""

import uuid
from functools import partial

import pytest
from rest_framework.test import APIClient

from agora.carts.models import Cart, CartItem
from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.catalog.models import Variant
from agora.orders.models import Order
from agora.orders.tests.helpers import fill_cart, guest_checkout, post_checkout, shipping_methods
from testing.clients import client_for
from testing.concurrency import at_once


@pytest.fixture(autouse=True)
def _shipping(db):
    shipping_methods()


@pytest.mark.django_db
def test_checkout_is_rate_limited_per_client_address(api_client, settings):
    settings.THROTTLE_CHECKOUT_IP = "3/hour"
    variant = sellable_variant(stock=50)
    answers = [post_checkout(api_client, token=fill_cart(CartFactory.create(), (variant, 1)).token) for _ in range(4)]
    assert [r.status_code for r in answers] == [201, 201, 201, 429]
    assert answers[-1].json()["error"]["code"] == "throttled" and int(answers[-1]["Retry-After"]) > 0
    assert Order.objects.count() == 3
    # another address is not affected
    other = post_checkout(
        api_client, token=fill_cart(CartFactory.create(), (variant, 1)).token, environ={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 201


@pytest.mark.django_db
def test_checkout_is_rate_limited_per_account_and_per_guest_cart(settings, user):
    settings.THROTTLE_CHECKOUT_USER = "2/hour"
    settings.THROTTLE_CHECKOUT_CART = "2/hour"
    variant = sellable_variant(stock=50)
    client = client_for(user)
    statuses = []
    for i in range(3):
        fill_cart(CartFactory.create(user=user) if i == 0 else Cart.objects.get(user=user), (variant, 1))
        statuses.append(post_checkout(client, email=None, environ={"REMOTE_ADDR": f"10.0.1.{i}"}).status_code)
    assert statuses == [201, 201, 429]
    # a guest cart: refused checkouts (an empty cart) count too, whatever the address
    cart = CartFactory.create()
    guest = [
        post_checkout(APIClient(), token=cart.token, environ={"REMOTE_ADDR": f"10.0.2.{i}"}).status_code
        for i in range(3)
    ]
    assert guest == [400, 400, 429]


@pytest.mark.django_db
def test_a_customer_cannot_hold_more_than_a_few_unpaid_orders(stripe_api, settings):
    settings.ORDER_MAX_UNPAID_PER_CUSTOMER = 2
    variant = sellable_variant(stock=50)
    cart = CartFactory.create()
    statuses = []
    for _ in range(3):
        fill_cart(cart, (variant, 5))
        r = post_checkout(APIClient(), token=cart.token, payment_method="stripe", payment_token=None)
        statuses.append(r.status_code)
        CartItem.objects.filter(cart=cart).delete()
    assert statuses == [201, 201, 409]
    assert r.json()["error"]["code"] == "too_many_unpaid_orders" and r.json()["error"]["details"] == {"limit": 2}
    # two orders hold 10 units; the refused one took nothing
    assert Variant.objects.get(pk=variant.pk).stock == 40
    assert Order.objects.filter(status="pending_payment").count() == 2


def _checkout(token: str, **over) -> str:
    try:
        guest_checkout(token, email="tabs@example.com", **over)
        return "ok"
    except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
        return type(exc).__name__


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", ["dummy", "stripe"])
def test_two_tabs_checking_out_one_cart_make_one_order(method, stripe_api, sent_tasks):
    variant = sellable_variant(stock=50)
    for _ in range(10):
        cart = fill_cart(Cart.objects.create(), (variant, 2))
        results = at_once([partial(_checkout, cart.token, payment_method=method)] * 2, timeout=30)
        assert sorted(results) == ["EmptyCart", "ok"], results
    assert Order.objects.count() == 10
    assert Variant.objects.get(pk=variant.pk).stock == 30


@pytest.mark.django_db
def test_a_declined_remote_payment_gives_the_cart_its_lines_back(api_client, stripe_api):
    stripe_api.down = True
    variant = sellable_variant(stock=5, price="8.00")
    cart = fill_cart(CartFactory.create(), (variant, 3))
    key = uuid.uuid4().hex
    r = post_checkout(api_client, token=cart.token, payment_method="stripe", payment_token=None, key=key)
    assert r.status_code == 503
    line = CartItem.objects.get(cart=cart)
    assert (line.variant_id, line.quantity, line.unit_price) == (variant.pk, 3, variant.price)
    assert Variant.objects.get(pk=variant.pk).stock == 5
