from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from agora.carts.models import CartItem
from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.catalog.models import Variant
from agora.orders.models import Order
from agora.orders.services import orders_expire_unpaid
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.payments.errors import InvalidWebhook
from agora.payments.models import Payment, Refund, WebhookEvent
from agora.payments.tests.stripe_fake import signed_event

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/v1/payments/stripe/webhook/"


@pytest.fixture(autouse=True)
def _shipping(db):
    shipping_methods()


def stripe_checkout(client, variant, quantity=1):
    cart = fill_cart(CartFactory.create(), (variant, quantity))
    r = post_checkout(client, token=cart.token, payment_method="stripe", payment_token=None)
    assert r.status_code == 201, r.json()
    return cart, r.json()


def deliver(client, event_type, payment: Payment, **kw):
    obj = {"id": payment.reference, "object": "payment_intent", "status": event_type.rsplit(".", 1)[-1]}
    obj.update(kw.pop("obj", {}))
    payload, signature = signed_event(event_type, obj, **kw)
    return client.post(WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def test_stripe_checkout_creates_a_payment_intent_and_waits_for_the_webhook(api_client, stripe_api):
    variant = sellable_variant(price="19.99", stock=4)
    cart, order = stripe_checkout(api_client, variant, 2)

    # the order waits for payment, with the client secret the storefront confirms with Stripe.js
    assert order["status"] == "pending_payment" and order["total"] == "44.88"
    assert order["payment"]["status"] == "pending"
    assert order["payment"]["client_secret"].startswith("pi_1_secret")
    # Stripe was asked for exactly that amount, in cents, with an idempotency key
    method, path, params, headers = stripe_api.calls[0]
    assert (method, path, params["amount"], params["currency"]) == ("post", "/v1/payment_intents", "4488", "eur")
    assert params["metadata[order_number]"] == order["number"]
    assert headers["Idempotency-Key"] == f"agora-order-{order['number']}-create"
    assert headers["Authorization"] == "Bearer sk_test_123"
    # the stock is held and the cart emptied
    assert Variant.objects.get(pk=variant.pk).stock == 2
    assert not CartItem.objects.filter(cart=cart).exists()


def test_the_payment_intent_carries_the_order_as_its_transfer_group(api_client, stripe_api):
    # given a Stripe checkout
    _, order = stripe_checkout(api_client, sellable_variant(price="10.00", stock=2))
    # then the PaymentIntent is grouped with the vendor transfers it funds (separate charges and transfers)
    _, path, params, _ = stripe_api.calls[0]
    assert path == "/v1/payment_intents"
    assert params["transfer_group"] == order["number"]


def test_a_signed_succeeded_event_marks_the_order_paid_once(api_client, stripe_api, sent_tasks):
    _, created = stripe_checkout(api_client, sellable_variant())
    payment = Payment.objects.get()

    r = deliver(api_client, "payment_intent.succeeded", payment, event_id="evt_paid")
    assert r.status_code == 200 and r.json() == {"received": True, "outcome": "paid"}
    order = Order.objects.get(number=created["number"])
    assert order.status == "paid" and Payment.objects.get().status == "captured"

    # the same event delivered again changes nothing and schedules nothing more
    r = deliver(api_client, "payment_intent.succeeded", payment, event_id="evt_paid")
    assert r.status_code == 200 and r.json()["outcome"] == "duplicate"
    assert WebhookEvent.objects.count() == 1
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_a_bad_signature_is_a_400_and_changes_nothing(api_client, stripe_api):
    stripe_checkout(api_client, sellable_variant())
    payment = Payment.objects.get()
    payload, signature = signed_event("payment_intent.succeeded", {"id": payment.reference, "object": "payment_intent"})
    tampered = payload.replace("payment_intent.succeeded", "payment_intent.canceled")
    for body, header in (
        (tampered, signature),
        (payload, "t=1,v1=deadbeef"),
        (payload, None),
        ("{not json", signature),
    ):
        extra = {"HTTP_STRIPE_SIGNATURE": header} if header else {}
        r = api_client.post(WEBHOOK, body, content_type="application/json", **extra)
        assert r.status_code == 400
        assert r.json()["error"] == {"code": "validation_error", "message": InvalidWebhook.message, "details": {}}
    assert not WebhookEvent.objects.exists()
    assert Order.objects.get().status == "pending_payment"


def test_out_of_order_events_never_move_an_order_backwards(api_client, stripe_api):
    # given two orders: one whose failure notice arrives after its success, one the other way round
    stripe_checkout(api_client, sellable_variant())
    stripe_checkout(api_client, sellable_variant())
    first, second = Payment.objects.order_by("pk")
    now = int(timezone.now().timestamp())

    deliver(api_client, "payment_intent.succeeded", first, created=now)
    r = deliver(
        api_client,
        "payment_intent.payment_failed",
        first,
        created=now - 30,
        obj={"last_payment_error": {"code": "card_declined", "message": "Declined"}},
    )
    assert r.json()["outcome"] == "stale"

    r = deliver(
        api_client,
        "payment_intent.payment_failed",
        second,
        obj={"last_payment_error": {"code": "card_declined", "message": "Declined"}},
    )
    assert r.json()["outcome"] == "attempt_failed"
    assert Order.objects.get(pk=second.order_id).status == "pending_payment"  # the customer may retry
    deliver(api_client, "payment_intent.succeeded", second)

    assert Order.objects.get(pk=first.order_id).status == "paid"
    assert Order.objects.get(pk=second.order_id).status == "paid"
    assert Payment.objects.get(pk=second.pk).failure_code == "card_declined"


def test_a_payment_that_succeeds_after_the_order_expired_is_refunded(
    api_client, stripe_api, settings, django_capture_on_commit_callbacks
):
    variant = sellable_variant(stock=3)
    stripe_checkout(api_client, variant)
    payment = Payment.objects.get()
    # the customer pays at the last second: after the expiry asked Stripe (unpaid), before it voids
    # the intent (which Stripe then refuses)
    stripe_api.on_retrieve = lambda intent: intent.update(status="succeeded")
    Order.objects.update(created_at=timezone.now() - timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_expire_unpaid() == 1
    assert Variant.objects.get(pk=variant.pk).stock == 3
    with django_capture_on_commit_callbacks(execute=True):
        r = deliver(api_client, "payment_intent.succeeded", payment)
    assert r.json()["outcome"] in ("already_captured", "refunding_late_payment")
    assert Order.objects.get().status == "cancelled"
    assert "/v1/refunds" in stripe_api.paths()
    assert Payment.objects.get().status == "refunded"


def test_a_canceled_intent_cancels_the_unpaid_order_and_releases_stock(api_client, stripe_api):
    variant = sellable_variant(stock=3)
    stripe_checkout(api_client, variant, 2)
    r = deliver(api_client, "payment_intent.canceled", Payment.objects.get())
    assert r.json()["outcome"] == "cancelled"
    assert Order.objects.get().status == "cancelled" and Variant.objects.get(pk=variant.pk).stock == 3


def test_cancelling_a_paid_stripe_order_refunds_it_through_stripe(
    api_client, stripe_api, django_capture_on_commit_callbacks
):
    variant = sellable_variant(stock=3)
    _, created = stripe_checkout(api_client, variant)
    payment = Payment.objects.get()
    deliver(api_client, "payment_intent.succeeded", payment)
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client.post(f"/api/v1/orders/{created['number']}/cancel/", HTTP_X_ORDER_TOKEN=created["access_token"])
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    _, path, params, headers = stripe_api.calls[-1]
    assert (path, params["payment_intent"]) == ("/v1/refunds", payment.reference)
    assert headers["Idempotency-Key"] == f"agora-refund-{Refund.objects.get().pk}"
    assert Payment.objects.get().status == "refunded" and Variant.objects.get(pk=variant.pk).stock == 3


def test_stripe_unreachable_at_checkout_is_a_503_and_keeps_nothing(api_client, stripe_api):
    stripe_api.down = True
    variant = sellable_variant(stock=3)
    cart = fill_cart(CartFactory.create(), (variant, 1))
    r = post_checkout(api_client, token=cart.token, payment_method="stripe", key="retry-me")
    assert r.status_code == 503 and r.json()["error"]["code"] == "payment_provider_unavailable"
    assert Variant.objects.get(pk=variant.pk).stock == 3 and CartItem.objects.filter(cart=cart).count() == 1
    assert Order.objects.get().status == "payment_failed"
    # the same key can be retried once Stripe is back
    stripe_api.down = False
    assert post_checkout(api_client, token=cart.token, payment_method="stripe", key="retry-me").status_code == 201


def test_a_checkout_retried_after_an_outage_still_tells_of_a_price_that_changed(api_client, stripe_api):
    # given a line added at 10.00 whose price is now 12.00
    variant = sellable_variant(price="10.00", stock=3)
    cart = fill_cart(CartFactory.create(), (variant, 1))
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("12.00"))
    # when Stripe cannot be reached, the cart gets its line back as it was
    stripe_api.down = True
    assert post_checkout(api_client, token=cart.token, payment_method="stripe", key="again").status_code == 503
    line = api_client.get("/api/v1/cart/", HTTP_X_CART_TOKEN=cart.token).json()["items"][0]
    assert (line["price_when_added"], line["price_changed"]) == ("10.00", True)
    # and the retry tells the shopper what the first try would have
    stripe_api.down = False
    r = post_checkout(api_client, token=cart.token, payment_method="stripe", key="again")
    assert r.status_code == 201
    assert r.json()["price_changes"] == [
        {"variant_id": variant.pk, "sku": variant.sku, "price_in_cart": "10.00", "price_charged": "12.00"}
    ]


def test_an_event_for_an_unknown_payment_is_recorded_and_ignored(api_client, stripe_api):
    payload, signature = signed_event("payment_intent.succeeded", {"id": "pi_nope", "object": "payment_intent"})
    r = api_client.post(WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    assert r.status_code == 200 and r.json()["outcome"] == "unknown_payment"


def test_the_storefront_learns_the_payment_methods_from_the_api(api_client, settings):
    settings.PAYMENT_METHODS = ["stripe"]
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_abc"
    assert api_client.get("/api/v1/payment-methods/").json() == [
        {"code": "stripe", "name": "Card", "test": False, "publishable_key": "pk_test_abc"}
    ]
    settings.PAYMENT_METHODS = ["dummy"]
    assert api_client.get("/api/v1/payment-methods/").json() == [
        {"code": "dummy", "name": "Test payment", "test": True, "publishable_key": None}
    ]
    # what is not listed is refused at checkout
    settings.PAYMENT_METHODS = ["stripe"]
    cart = fill_cart(CartFactory.create(), (sellable_variant(), 1))
    r = post_checkout(api_client, token=cart.token, payment_method="dummy")
    assert r.status_code == 400 and r.json()["error"]["details"] == {
        "payment_method": ["This payment method is not available."]
    }


def test_deleting_the_account_erases_its_billing_details_from_the_stored_webhook_events(
    api_client, stripe_api, make_user
):
    import json

    from agora.accounts.tests.factories import PASSWORD
    from agora.orders.services import order_process, vendor_order_ship
    from testing.clients import client_for

    billing: dict[str, Any] = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "phone": "+44 7700 900123",
        "address": {"line1": "12 Analytical Street", "city": "London", "postal_code": "N1 7AA", "country": "GB"},
    }
    personal = ("Ada Lovelace", "ada@example.com", "900123", "12 Analytical Street")

    def paid_by_stripe(user):
        fill_cart(CartFactory.create(user=user), (sellable_variant(price="10.00", stock=5), 1))
        r = post_checkout(client_for(user), payment_method="stripe", payment_token=None, email=None)
        assert r.status_code == 201, r.json()
        order = Order.objects.get(number=r.json()["number"])
        payment = order.payments.get()
        charge = {
            "id": f"ch_{payment.reference}",
            "object": "charge",
            "payment_intent": payment.reference,
            "billing_details": billing,
            "receipt_email": billing["email"],
            "shipping": {"name": billing["name"]},
        }
        intent = {
            "receipt_email": billing["email"],
            "shipping": {"name": billing["name"], "address": billing["address"]},
        }
        assert deliver(api_client, "payment_intent.succeeded", payment, obj=intent).json()["outcome"] == "paid"
        payload, signature = signed_event("charge.succeeded", charge)
        r = api_client.post(WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
        assert r.status_code == 200, r.content
        return order

    shopper, other = make_user(email="ada@example.com"), make_user()
    order, others = paid_by_stripe(shopper), paid_by_stripe(other)
    order_process(order_id=order.pk)
    vendor_order_ship(vendor_order=order.vendor_orders.get())
    reference = order.payments.get().reference
    assert WebhookEvent.objects.count() == 4

    assert client_for(shopper).delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204
    theirs = [e for e in WebhookEvent.objects.order_by("pk") if reference in json.dumps(e.payload)]
    assert [e.type for e in theirs] == ["payment_intent.succeeded", "charge.succeeded"]
    for event in theirs:
        stored = json.dumps(event.payload)
        assert not [p for p in personal if p in stored], f"{event.type} keeps the person's details: {stored}"
        assert event.payload["data"]["object"]["object"] in ("payment_intent", "charge"), "the rest stays"
    # another shopper's events are untouched
    kept = [json.dumps(e.payload) for e in WebhookEvent.objects.all() if e not in theirs]
    assert len(kept) == 2 and all("12 Analytical Street" in k for k in kept)
    assert others.payments.get().reference not in reference
