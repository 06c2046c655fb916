import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.catalog.models import Variant
from agora.orders.errors import IdempotencyKeyReused
from agora.orders.models import IdempotencyKey, Order
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from testing.clients import client_for
from testing.concurrency import at_once

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipping(db):
    shipping_methods()


def test_a_replay_returns_the_first_answer_and_places_no_second_order(api_client):
    variant = sellable_variant(stock=5)
    cart = fill_cart(CartFactory.create(), (variant, 2))
    first = post_checkout(api_client, token=cart.token, key="order-1")
    # the cart is now empty: a second checkout would fail, but a replay answers the first result
    again = post_checkout(api_client, token=cart.token, key="order-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Order.objects.count() == 1 and Variant.objects.get(pk=variant.pk).stock == 3


def test_the_same_key_with_a_different_body_is_a_422(api_client):
    cart = fill_cart(CartFactory.create(), (sellable_variant(), 1))
    assert post_checkout(api_client, token=cart.token, key="k").status_code == 201
    r = post_checkout(api_client, token=cart.token, key="k", shipping_method="express")
    assert r.status_code == 422
    assert r.json()["error"] == {
        "code": "idempotency_key_reused",
        "message": IdempotencyKeyReused.message,
        "details": {},
    }
    assert Order.objects.count() == 1


def test_keys_are_scoped_to_the_caller(api_client, user):
    variant = sellable_variant(stock=5)
    guest = fill_cart(CartFactory.create(), (variant, 1))
    fill_cart(CartFactory.create(user=user), (variant, 1))
    assert post_checkout(api_client, token=guest.token, key="same").status_code == 201
    r = post_checkout(client_for(user), key="same", email=None)
    assert r.status_code == 201
    assert Order.objects.count() == 2


def test_a_declined_answer_is_replayed_too(api_client):
    variant = sellable_variant(stock=5)
    cart = fill_cart(CartFactory.create(), (variant, 1))
    first = post_checkout(api_client, token=cart.token, key="d", payment_token="tok_decline")
    again = post_checkout(api_client, token=cart.token, key="d", payment_token="tok_decline")
    assert first.status_code == again.status_code == 402 and first.json() == again.json()
    # a new attempt (new key) with a good card goes through
    assert post_checkout(api_client, token=cart.token, key="d2").status_code == 201


def test_input_errors_do_not_burn_the_key(api_client):
    cart = fill_cart(CartFactory.create(), (sellable_variant(), 1))
    assert post_checkout(api_client, token=cart.token, key="fix-me", shipping_method="nope").status_code == 400
    assert post_checkout(api_client, token=cart.token, key="fix-me").status_code == 201


def test_keys_are_kept_at_least_a_day_then_cleaned_up():
    for key, age in (("old", 49), ("new", 23)):
        row = IdempotencyKey.objects.create(scope="user:1", key=key, request_hash="h", response_status=201)
        IdempotencyKey.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(hours=age))
    from agora.orders.tasks import idempotency_keys_cleanup

    assert idempotency_keys_cleanup() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_place_one_order(sent_tasks):
    # given a guest cart and eight identical requests sent at the same moment
    shipping_methods()
    variant = sellable_variant(stock=50)
    cart = fill_cart(CartFactory.create(), (variant, 1))
    key = uuid.uuid4().hex

    def buyer():
        r = post_checkout(APIClient(), token=cart.token, key=key)
        return r.status_code, r.json()

    answers = at_once([buyer] * 8)

    # then one order exists and every request got its answer
    assert Order.objects.count() == 1
    assert Variant.objects.get(pk=variant.pk).stock == 49
    assert {status for status, _ in answers} == {201}
    assert {body["number"] for _, body in answers} == {Order.objects.get().number}


def test_deleting_the_account_erases_the_checkout_answers_kept_for_replay(make_user):
    from agora.accounts.tests.factories import PASSWORD
    from agora.orders.services import order_process, vendor_order_ship

    # a shopper's order, delivered, and another shopper's checkout of the same day
    shopper, other = make_user(), make_user()
    fill_cart(CartFactory.create(user=shopper), (sellable_variant(stock=5), 1))
    r = post_checkout(client_for(shopper), email=None)
    assert r.status_code == 201 and "12 Analytical Street" in json.dumps(r.json())
    order = Order.objects.get(number=r.json()["number"])
    order_process(order_id=order.pk)
    vendor_order_ship(vendor_order=order.vendor_orders.get())
    fill_cart(CartFactory.create(user=other), (sellable_variant(stock=5), 1))
    assert post_checkout(client_for(other), email=None).status_code == 201
    assert IdempotencyKey.objects.filter(scope=f"user:{shopper.pk}").exists()

    assert client_for(shopper).delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204
    kept = [json.dumps(row.response_body) for row in IdempotencyKey.objects.all()]
    assert not IdempotencyKey.objects.filter(scope=f"user:{shopper.pk}").exists()
    assert not IdempotencyKey.objects.filter(order=order).exists()
    assert len(kept) == 1 and "12 Analytical Street" in kept[0], "only the other shopper's answer is kept"
