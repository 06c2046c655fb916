"""A checkout whose process died keeps its Idempotency-Key "in progress" only for a bounded time:
then the next request with the same key and body takes it over, and finishes the order the dead
one placed instead of placing a second."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.catalog.models import Variant
from agora.orders import checkout
from agora.orders.idempotency import caller_scope, request_fingerprint
from agora.orders.models import IdempotencyKey, Order
from agora.orders.tests.helpers import ADDRESS, body, fill_cart, post_checkout, shipping_methods
from agora.payments.models import Payment

pytestmark = pytest.mark.django_db
# What the checkout serializer hands the service (the API normalises the address).
ADDRESS_AS_STORED = {"shipping_address": {**ADDRESS, "line2": "", "country": "GB"}}


@pytest.fixture(autouse=True)
def _shipping(db):
    shipping_methods()


def _dead_claim(cart, *, age_seconds: int, **over) -> IdempotencyKey:
    """The row a request leaves when its process is killed after claiming the key."""
    return IdempotencyKey.objects.create(
        scope=caller_scope(user=None, cart_token=cart.token),
        key="dead-key",
        request_hash=request_fingerprint(body(**over)),
        claimed_at=timezone.now() - timedelta(seconds=age_seconds),
    )


def test_a_fresh_claim_answers_409_in_progress_and_says_to_retry_the_same_key(api_client, settings, monkeypatch):
    monkeypatch.setattr("agora.orders.idempotency.WAIT_SECONDS", 0.2)
    cart = fill_cart(CartFactory.create(), (sellable_variant(), 1))
    _dead_claim(cart, age_seconds=5)
    r = post_checkout(api_client, token=cart.token, key="dead-key")
    assert r.status_code == 409
    assert r.json()["error"]["details"] == {"idempotency_key": "in_progress", "retry_after": 1}
    assert not Order.objects.exists()


def test_a_claim_of_a_dead_process_is_taken_over_when_it_placed_nothing(api_client, settings):
    variant = sellable_variant(stock=4)
    cart = fill_cart(CartFactory.create(), (variant, 1))
    _dead_claim(cart, age_seconds=settings.IDEMPOTENCY_CLAIM_STALE_SECONDS + 1)
    r = post_checkout(api_client, token=cart.token, key="dead-key")
    assert r.status_code == 201 and r.json()["status"] == "paid"
    assert Order.objects.count() == 1 and Variant.objects.get(pk=variant.pk).stock == 3
    # and the answer is stored for replays as usual
    assert post_checkout(api_client, token=cart.token, key="dead-key").json() == r.json()


def test_a_different_body_never_takes_over_a_dead_claim(api_client, settings):
    cart = fill_cart(CartFactory.create(), (sellable_variant(), 1))
    _dead_claim(cart, age_seconds=settings.IDEMPOTENCY_CLAIM_STALE_SECONDS + 1)
    r = post_checkout(api_client, token=cart.token, key="dead-key", shipping_method="express")
    assert r.status_code == 422 and not Order.objects.exists()


def test_a_takeover_answers_the_order_the_dead_process_placed_and_places_no_second(api_client, settings):
    # given a process that placed (and paid, dummy) the order, then died before answering
    variant = sellable_variant(stock=4)
    cart = fill_cart(CartFactory.create(), (variant, 2))
    claim = _dead_claim(cart, age_seconds=settings.IDEMPOTENCY_CLAIM_STALE_SECONDS + 1)
    placed = checkout.checkout(attempt_id=claim.pk, user=None, cart_token=cart.token, **{**body(), **ADDRESS_AS_STORED})
    # when the shopper's retry arrives with the same key
    r = post_checkout(api_client, token=cart.token, key="dead-key")
    # then it answers that order: one order, stock taken once
    assert r.status_code == 201 and r.json()["number"] == placed.order.number
    assert Order.objects.count() == 1 and Variant.objects.get(pk=variant.pk).stock == 2


def test_a_takeover_starts_the_remote_payment_the_dead_process_never_started(api_client, settings, stripe_api):
    variant = sellable_variant(stock=4)
    cart = fill_cart(CartFactory.create(), (variant, 1))
    over: dict[str, Any] = {"payment_method": "stripe", "payment_token": None}
    claim = _dead_claim(cart, age_seconds=settings.IDEMPOTENCY_CLAIM_STALE_SECONDS + 1, **over)
    # the order was placed (stock taken), then the process died before calling Stripe
    request = checkout.CheckoutRequest(
        user=None,
        cart_token=cart.token,
        email="ada@example.com",
        shipping_address=ADDRESS_AS_STORED["shipping_address"],
        shipping_method="standard",
        payment_method="stripe",
        attempt_id=claim.pk,
    )
    method = checkout.ShippingMethod.objects.get(code="standard")
    with checkout.transaction.atomic():
        order = checkout._place_order(request, "ada@example.com", method, holds_stock=True).order
    assert not Payment.objects.exists()

    r = post_checkout(api_client, token=cart.token, key="dead-key", **over)
    assert r.status_code == 201 and r.json()["number"] == order.number
    assert r.json()["payment"]["client_secret"].startswith("pi_")
    assert Payment.objects.get().order_id == order.pk
    assert stripe_api.calls[0][3]["Idempotency-Key"] == f"agora-order-{order.number}-create"
    assert Order.objects.count() == 1 and Variant.objects.get(pk=variant.pk).stock == 3
