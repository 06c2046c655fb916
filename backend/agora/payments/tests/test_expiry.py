"""Expiring unpaid orders asks the payment provider first: a webhook outage must not cancel (and
refund) orders that were paid."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.catalog.models import Variant
from agora.orders.models import Order
from agora.orders.services import orders_expire_unpaid
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.payments.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale_stripe_order(api_client, stripe_api, settings):
    """A Stripe order past the payment timeout whose webhook never arrived."""
    shipping_methods()
    variant = sellable_variant(stock=3)
    cart = fill_cart(CartFactory.create(), (variant, 2))
    r = post_checkout(api_client, token=cart.token, payment_method="stripe", payment_token=None)
    assert r.status_code == 201
    Order.objects.update(created_at=timezone.now() - timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES + 5))
    payment = Payment.objects.get()
    return payment, variant


def test_a_paid_order_whose_webhook_was_lost_becomes_paid_not_cancelled(
    stale_stripe_order, stripe_api, sent_tasks, django_capture_on_commit_callbacks
):
    payment, variant = stale_stripe_order
    stripe_api.intents[payment.reference]["status"] = "succeeded"  # paid; the webhook never came
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_expire_unpaid() == 0
    order = Order.objects.get()
    assert order.status == "paid" and Payment.objects.get().status == "captured"
    assert Variant.objects.get(pk=variant.pk).stock == 1  # the customer's units stay sold
    assert "/v1/refunds" not in stripe_api.paths() and not any(p.endswith("/cancel") for p in stripe_api.paths())
    assert ("agora.orders.tasks.order_process", (order.pk,)) in sent_tasks


def test_a_payment_still_settling_at_the_provider_is_left_to_finish(stale_stripe_order, stripe_api):
    payment, _ = stale_stripe_order
    stripe_api.intents[payment.reference]["status"] = "processing"  # e.g. a bank debit in flight
    assert orders_expire_unpaid() == 0
    assert Order.objects.get().status == "pending_payment"


def test_when_the_provider_cannot_say_the_order_waits_for_the_next_run(stale_stripe_order, stripe_api):
    stripe_api.down = True
    assert orders_expire_unpaid() == 0
    assert Order.objects.get().status == "pending_payment"
    stripe_api.down = False
    assert orders_expire_unpaid() == 1
    assert Order.objects.get().status == "cancelled"


def test_an_unpaid_order_still_expires_and_releases_its_stock(
    stale_stripe_order, stripe_api, django_capture_on_commit_callbacks
):
    payment, variant = stale_stripe_order
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_expire_unpaid() == 1
    assert Order.objects.get().status == "cancelled" and Variant.objects.get(pk=variant.pk).stock == 3
    assert stripe_api.paths()[-2:] == [
        f"/v1/payment_intents/{payment.reference}",
        f"/v1/payment_intents/{payment.reference}/cancel",
    ]
    assert Payment.objects.get().status == "voided"
