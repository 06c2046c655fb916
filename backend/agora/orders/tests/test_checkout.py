from decimal import Decimal

import pytest

from agora.carts.models import Cart, CartItem
from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.catalog.models import Product, Variant
from agora.orders.errors import (
    EmailRequired,
    EmptyCart,
    IdempotencyKeyMissing,
    PaymentDeclined,
    PaymentMethodUnavailable,
    UnknownShippingMethod,
)
from agora.orders.models import Order, VendorOrder
from agora.orders.tests.helpers import ADDRESS, fill_cart, post_checkout, shipping_methods, three_vendor_cart
from agora.payments.models import Payment
from agora.shipping.models import ShippingMethod
from testing.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipping(db):
    shipping_methods()


def stock(*variants) -> list[int]:
    return [Variant.objects.get(pk=v.pk).stock for v in variants]


def test_shipping_methods_are_listed():
    ShippingMethod.objects.create(code="retired", name="Old", price=Decimal("1.00"), is_active=False)
    from rest_framework.test import APIClient

    r = APIClient().get("/api/v1/shipping-methods/")
    assert r.status_code == 200
    assert [(m["code"], m["price"], m["currency"]) for m in r.json()] == [
        ("standard", "4.90", "EUR"),
        ("express", "9.90", "EUR"),
    ]


def test_a_guest_checks_out_a_three_vendor_cart(api_client):
    # given a guest cart with lines from three vendors at 10 %, 12.5 % and 0 % commission
    cart, (a, b, c) = three_vendor_cart(CartFactory.create())

    # when the guest checks out with the dummy gateway
    r = post_checkout(api_client, token=cart.token, shipping_method="express")

    # then the order is paid, with totals from the variant prices plus shipping: one parcel per
    # vendor, each charged with the chosen method
    assert r.status_code == 201, r.json()
    order = r.json()
    assert order["status"] == "paid" and order["email"] == "ada@example.com"
    assert (order["subtotal"], order["shipping"], order["total"], order["currency"]) == (
        "130.00",
        "29.70",
        "159.70",
        "EUR",
    )
    assert {vo["shipping"] for vo in order["vendor_orders"]} == {"9.90"}
    assert order["payment"]["status"] == "captured" and order["payment"]["client_secret"] is None
    assert order["shipping_address"]["country"] == "GB" and order["price_changes"] == []
    # and one sub-order per vendor with its own lines, subtotal and commission
    subs = {vo["vendor"]["slug"]: vo for vo in order["vendor_orders"]}
    assert {slug: (vo["subtotal"], [line["sku"] for line in vo["lines"]]) for slug, vo in subs.items()} == {
        a.vendor.slug: ("20.00", [a.sku]),
        b.vendor.slug: ("20.00", [b.sku]),
        c.vendor.slug: ("90.00", [c.sku]),
    }
    assert sorted(VendorOrder.objects.values_list("commission", flat=True)) == [
        Decimal("0.00"),
        Decimal("2.00"),
        Decimal("2.50"),
    ]
    # and the stock is taken and the cart emptied
    assert stock(a, b, c) == [8, 9, 7]
    assert not CartItem.objects.filter(cart=cart).exists()
    # and the guest reads the order with its access token or its cart token, nobody else can
    number = order["number"]
    assert api_client.get(f"/api/v1/orders/{number}/").status_code == 404
    assert api_client.get(f"/api/v1/orders/{number}/", HTTP_X_ORDER_TOKEN="wrong").status_code == 404
    r = api_client.get(f"/api/v1/orders/{number}/", HTTP_X_ORDER_TOKEN=order["access_token"])
    assert r.status_code == 200 and r.json()["total"] == "159.70" and "access_token" not in r.json()
    assert api_client.get(f"/api/v1/orders/{number}/", HTTP_X_CART_TOKEN=cart.token).status_code == 200


def test_a_signed_in_user_sees_their_orders_and_no_one_elses(user, make_user):
    variant = sellable_variant(price="5.00")
    fill_cart(CartFactory.create(user=user), (variant, 2))
    client = client_for(user)
    r = post_checkout(client, email=None)
    assert r.status_code == 201
    number = r.json()["number"]
    assert r.json()["email"] == user.email

    listed = client.get("/api/v1/orders/").json()
    assert listed["count"] == 1 and listed["results"][0]["number"] == number
    assert client.get(f"/api/v1/orders/{number}/").json()["lines"][0]["quantity"] == 2

    other = client_for(make_user())
    assert other.get("/api/v1/orders/").json()["count"] == 0
    r = other.get(f"/api/v1/orders/{number}/")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert other.post(f"/api/v1/orders/{number}/cancel/").status_code == 404


def test_the_order_charges_the_current_price_and_says_so(api_client):
    variant = sellable_variant(price="10.00")
    cart = fill_cart(CartFactory.create(), (variant, 1))
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("12.00"))
    r = post_checkout(api_client, token=cart.token)
    assert r.status_code == 201
    assert r.json()["subtotal"] == "12.00"
    assert r.json()["price_changes"] == [
        {"variant_id": variant.pk, "sku": variant.sku, "price_in_cart": "10.00", "price_charged": "12.00"}
    ]


def test_a_declined_payment_takes_no_stock_and_keeps_the_cart(api_client):
    variant = sellable_variant(stock=3)
    cart = fill_cart(CartFactory.create(), (variant, 2))

    r = post_checkout(api_client, token=cart.token, payment_token="tok_decline")

    assert r.status_code == 402
    assert r.json()["error"]["code"] == "payment_declined"
    assert r.json()["error"]["message"] == PaymentDeclined.message
    assert stock(variant) == [3]
    assert CartItem.objects.get(cart=cart).quantity == 2
    assert not Order.objects.exists() and not Payment.objects.exists()


def test_not_enough_stock_is_a_409_and_changes_nothing(api_client):
    plenty, scarce = sellable_variant(stock=10), sellable_variant(stock=1)
    cart = fill_cart(CartFactory.create(), (plenty, 2), (scarce, 1))
    Variant.objects.filter(pk=scarce.pk).update(stock=0)  # someone else bought the last one

    r = post_checkout(api_client, token=cart.token)

    assert r.status_code == 409
    assert r.json()["error"]["code"] == "insufficient_stock"
    assert r.json()["error"]["details"] == {"variant_id": scarce.pk, "available": 0}
    assert stock(plenty, scarce) == [10, 0]
    assert not Order.objects.exists() and CartItem.objects.filter(cart=cart).count() == 2


def test_a_line_that_became_unavailable_blocks_checkout(api_client):
    ok, gone = sellable_variant(), sellable_variant()
    cart = fill_cart(CartFactory.create(), (ok, 1), (gone, 1))
    Product.objects.filter(pk=gone.product_id).update(status=Product.Status.ARCHIVED)
    r = post_checkout(api_client, token=cart.token)
    assert r.status_code == 409 and r.json()["error"]["details"] == {"variant_id": gone.pk, "available": 0}
    assert stock(ok) == [10] and not Order.objects.exists()


def test_an_order_larger_than_an_order_can_hold_is_a_400_that_reserves_and_charges_nothing(api_client):
    # given a cart of two lines of 99 x 99,999,999.99 (about 19.8 billion: an order's amounts are
    # numeric(12, 2), at most 9,999,999,999.99), each from its own vendor (4.90 shipping each)
    big = [sellable_variant(price="99999999.99", stock=99) for _ in range(2)]
    cart = fill_cart(CartFactory.create(), *((v, 99) for v in big))
    # when it is checked out
    r = post_checkout(api_client, token=cart.token)
    # then a clear 400 says the limit (it was a 500), and nothing is placed, reserved or charged
    assert r.status_code == 400, r.content[:300]
    error = r.json()["error"]
    assert error["code"] == "order_too_large"
    assert "9,999,999,999.99" in error["message"]
    assert error["details"] == {"total": "19800000007.82", "limit": "9999999999.99", "currency": "EUR"}
    assert not Order.objects.exists() and not Payment.objects.exists()
    assert stock(*big) == [99, 99] and CartItem.objects.filter(cart=cart).count() == 2


def test_an_order_under_the_limit_is_placed(api_client):
    # given one line of 99 x 99,999,999.99 (9,899,999,999.01) and 4.90 shipping: under the limit
    variant = sellable_variant(price="99999999.99", stock=99)
    cart = fill_cart(CartFactory.create(), (variant, 99))
    r = post_checkout(api_client, token=cart.token)
    assert r.status_code == 201, r.json()
    assert r.json()["total"] == "9900000003.91"


@pytest.mark.parametrize(
    "over,status,field,message",
    [
        ({"key": None}, 400, "Idempotency-Key", IdempotencyKeyMissing.message),
        ({"key": "k" * 256}, 400, "Idempotency-Key", IdempotencyKeyMissing.message),
        ({"shipping_address": {**ADDRESS, "city": None}}, 400, "shipping_address", None),
        ({"shipping_address": {"full_name": "Ada"}}, 400, "shipping_address", None),
        ({"shipping_address": {**ADDRESS, "country": "Germany"}}, 400, "shipping_address", None),
        ({"shipping_method": "teleport"}, 400, "shipping_method", UnknownShippingMethod.message),
        ({"payment_method": "bitcoin"}, 400, "payment_method", None),
        ({"payment_method": "stripe"}, 400, "payment_method", PaymentMethodUnavailable.message),
        ({"email": None}, 400, "email", EmailRequired.message),
        ({"email": "not-an-email"}, 400, "email", None),
        ({"is_paid": True}, 400, "is_paid", None),
        ({"token": "someone-elses"}, 404, None, None),
        ({"token": None}, 404, None, None),
    ],
)
def test_bad_checkout_input_is_a_4xx_in_the_error_shape_and_changes_nothing(
    api_client, user, over, status, field, message
):
    variant = sellable_variant(stock=5)
    cart = fill_cart(CartFactory.create(), (variant, 1))
    users_cart = fill_cart(CartFactory.create(user=user), (variant, 1))
    over = dict(over)
    if "shipping_address" in over:
        over["shipping_address"] = {k: v for k, v in over["shipping_address"].items() if v is not None}
    token = over.pop("token", cart.token)
    if token == "someone-elses":
        token = users_cart.token
    r = post_checkout(api_client, token=token, **over)
    assert r.status_code == status, r.json()
    error = r.json()["error"]
    assert set(error) == {"code", "message", "details"}
    if field:
        assert field in error["details"]
    if message:
        assert error["details"][field] == [message]
    assert not Order.objects.exists() and stock(variant) == [5]
    assert CartItem.objects.count() == 2


def test_an_empty_cart_cannot_be_checked_out(api_client):
    cart = CartFactory.create()
    r = post_checkout(api_client, token=cart.token)
    assert r.status_code == 400 and r.json()["error"]["details"] == {"cart": [EmptyCart.message]}


@pytest.mark.django_db(transaction=True)
def test_checkout_of_a_three_vendor_cart_stays_within_20_queries(django_assert_max_num_queries, user, sent_tasks):
    # Transactional, like production: no test-wrapping transaction adds savepoint statements.
    shipping_methods()
    cart, _ = three_vendor_cart(CartFactory.create(user=user))
    client = client_for(user)
    with django_assert_max_num_queries(20):
        r = post_checkout(client)
    assert r.status_code == 201 and len(r.json()["vendor_orders"]) == 3
    assert Cart.objects.get(pk=cart.pk).items.count() == 0
    assert ("agora.orders.tasks.order_process", (Order.objects.get().pk,)) in sent_tasks


@pytest.mark.parametrize("payment", ["dummy", "stripe"])
def test_the_checkout_answer_is_the_checkout_serializers_answer(api_client, monkeypatch, payment, request):
    # given a cart of three vendors, one line of which changed price since it was added
    import orjson

    from agora.orders import checkout
    from agora.orders.serializers import CheckoutOrderSerializer

    if payment == "stripe":
        request.getfixturevalue("stripe_api")
    cart, variants = three_vendor_cart(CartFactory.create())
    Variant.objects.filter(pk=variants[1].pk).update(price=Decimal("77.70"))
    results: list[checkout.CheckoutResult] = []
    place = checkout.checkout

    def keep(**kwargs):
        results.append(place(**kwargs))
        return results[-1]

    monkeypatch.setattr(checkout, "checkout", keep)
    # when the shopper checks out (paid at once, or pending at Stripe with a client secret)
    if payment == "stripe":
        r = post_checkout(api_client, token=cart.token, payment_method="stripe", payment_token=None)
    else:
        r = post_checkout(api_client, token=cart.token)
    assert r.status_code == 201, r.json()
    # then the answer is exactly what the documented serializer writes for that order
    (result,) = results
    expected = CheckoutOrderSerializer(result.answer, context={"price_changes": result.price_changes}).data
    assert r.json() == orjson.loads(orjson.dumps(expected))
    body = r.json()
    assert len(body["vendor_orders"]) == 3 and len(body["price_changes"]) == 1
    assert body["price_changes"][0]["price_charged"] == "77.70"
    assert body["payment"]["status"] == ("pending" if payment == "stripe" else "captured")
    assert (body["payment"]["client_secret"] is not None) == (payment == "stripe")


def test_checkouts_run_their_stock_locks_and_writes_from_statements_the_server_keeps_prepared(api_client):
    """PostgreSQL parses and plans a checkout's stock locks once per session (they read by id), and
    its order's INSERT once the session has written a few (docs/adr/0013): four checkouts in one
    session run each lock four times from one prepared statement."""
    from testing.compiled import held_prepared

    for _ in range(4):
        cart, _ = three_vendor_cart(CartFactory.create())
        assert post_checkout(api_client, token=cart.token).status_code == 201
    runs = {statement.split(" */", 1)[0]: n for statement, n in held_prepared(prefix="/* prepared:lock")}
    assert runs == {"/* prepared:lock_products_of_variants": 4, "/* prepared:lock_variants": 4}
    # the order's INSERT: run three times as it is, then prepared at the fourth run
    assert [n for _, n in held_prepared(prefix='INSERT INTO "orders_order"')] == [1]
