"""Refunds are rows with their amount: a partial refund leaves the order standing."""

from decimal import Decimal

import pytest

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.catalog.models import Variant
from agora.orders.models import Order, VendorOrder
from agora.orders.services import order_process, order_refund
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.payments.errors import NothingToRefund
from agora.payments.models import Payment, Refund
from agora.payments.services import refund_request
from agora.payments.tests.stripe_fake import signed_event
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from testing.clients import client_for
from testing.concurrency import at_once

WEBHOOK = "/api/v1/payments/stripe/webhook/"


@pytest.fixture(autouse=True)
def _shipping(db):
    shipping_methods()


def _paid_stripe_order(api_client, stripe_api, *lines):
    """A two-vendor Stripe order, paid and processed: (order number, its access token, payment)."""
    cart = fill_cart(CartFactory.create(), *lines)
    r = post_checkout(api_client, token=cart.token, payment_method="stripe", payment_token=None)
    assert r.status_code == 201, r.json()
    payment = Payment.objects.get(order__number=r.json()["number"])
    stripe_api.intents[payment.reference]["status"] = "succeeded"
    _deliver(api_client, "payment_intent.succeeded", {"id": payment.reference, "object": "payment_intent"})
    order_process(order_id=payment.order_id)
    return r.json()["number"], r.json()["access_token"], payment


def _deliver(client, event_type, obj, **kw):
    payload, signature = signed_event(event_type, obj, **kw)
    r = client.post(WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    assert r.status_code == 200, r.content
    return r.json()["outcome"]


@pytest.fixture
def two_vendor_order(api_client, stripe_api):
    a = sellable_variant(price="30.00", stock=5, vendor=VendorFactory.create())
    b = sellable_variant(price="20.00", stock=5, vendor=VendorFactory.create())
    number, token, payment = _paid_stripe_order(api_client, stripe_api, (a, 1), (b, 2))
    return number, token, payment, a, b


@pytest.mark.django_db
def test_a_partial_refund_from_the_dashboard_leaves_the_order_standing(api_client, stripe_api, two_vendor_order):
    number, token, payment, a, b = two_vendor_order  # 30 + 2 x 20 + 2 parcels x 4.90 = 79.80
    # when staff refund 10.00 in Stripe's dashboard (Stripe sends charge.refunded for partial ones too)
    stripe_api.dashboard_refund(payment.reference, 1000)
    outcome = _deliver(api_client, "charge.refunded", stripe_api.charge(payment.reference))

    # then the refund is recorded with its amount, and the order is partially refunded, not refunded
    assert outcome == "partially_refunded"
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.origin) == (Decimal("10.00"), "succeeded", "provider")
    order = Order.objects.get(number=number)
    assert order.status == "partially_refunded"
    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded) == ("partially_refunded", Decimal("10.00"))
    # no sub-order was cancelled and no stock went back: the rest of the order stands
    assert set(VendorOrder.objects.filter(order=order).values_list("status", flat=True)) == {"processing"}
    assert Variant.objects.get(pk=a.pk).stock == 4 and Variant.objects.get(pk=b.pk).stock == 3

    # the shopper sees the refunded total, and may still receive the rest
    body = api_client.get(f"/api/v1/orders/{number}/", HTTP_X_ORDER_TOKEN=token).json()
    assert (body["status"], body["refunded_total"], body["total"]) == ("partially_refunded", "10.00", "79.80")
    assert body["payment"]["amount_refunded"] == "10.00"
    # each vendor sees it on its sub-order, and can still ship
    vo = VendorOrder.objects.get(order=order, vendor=a.vendor)
    vendor_client = client_for(VendorMembershipFactory.create(vendor=a.vendor).user)
    listed = vendor_client.get("/api/v1/vendor/orders/").json()["results"][0]
    assert (listed["order_status"], listed["order_refunded_total"]) == ("partially_refunded", "10.00")
    assert vendor_client.post(f"/api/v1/vendor/orders/{vo.pk}/ship/", {}).status_code == 200


@pytest.mark.django_db
def test_partial_refunds_adding_up_to_the_total_refund_the_order(api_client, stripe_api, two_vendor_order):
    number, _, payment, a, b = two_vendor_order
    stripe_api.dashboard_refund(payment.reference, 2490)
    assert _deliver(api_client, "charge.refunded", stripe_api.charge(payment.reference)) == "partially_refunded"
    # the same event again changes nothing
    stripe_api.dashboard_refund(payment.reference, 5490)
    event = stripe_api.charge(payment.reference)
    assert _deliver(api_client, "charge.refunded", event, event_id="evt_full") == "refunded"
    assert _deliver(api_client, "charge.refunded", event, event_id="evt_full") == "duplicate"

    assert Refund.objects.count() == 2
    order = Order.objects.get(number=number)
    payment.refresh_from_db()
    assert (order.status, payment.status, payment.amount_refunded) == ("refunded", "refunded", Decimal("79.80"))
    # refunded in full before anything shipped: sub-orders cancelled, stock back once
    assert set(VendorOrder.objects.filter(order=order).values_list("status", flat=True)) == {"cancelled"}
    assert Variant.objects.get(pk=a.pk).stock == 5 and Variant.objects.get(pk=b.pk).stock == 5


@pytest.mark.django_db
def test_refund_events_are_recorded_once_per_provider_refund_id(api_client, stripe_api, two_vendor_order):
    _, _, payment, _, _ = two_vendor_order
    refund = stripe_api.dashboard_refund(payment.reference, 700)
    # refund.created, then charge.refunded listing the same refund: one row
    assert _deliver(api_client, "refund.created", refund) == "partially_refunded"
    assert _deliver(api_client, "charge.refunded", stripe_api.charge(payment.reference)) == "unchanged"
    assert Refund.objects.get().reference == refund["id"]
    # a refund that fails later gives the money back to the order's books
    _deliver(api_client, "refund.updated", {**refund, "status": "failed", "failure_reason": "lost_or_stolen_card"})
    payment.refresh_from_db()
    assert (payment.amount_refunded, payment.status) == (Decimal("0.00"), "captured")
    assert Refund.objects.get().failure_reason == "lost_or_stolen_card"


@pytest.mark.django_db(transaction=True)
def test_a_charge_event_that_does_not_list_its_refunds_is_completed_from_the_provider(
    api_client, stripe_api, sent_tasks
):
    # Stripe's newer API versions do not expand a charge's refunds in its events
    a = sellable_variant(price="30.00", stock=5)
    number, _, payment = _paid_stripe_order(api_client, stripe_api, (a, 1))
    stripe_api.dashboard_refund(payment.reference, 1500)
    outcome = _deliver(api_client, "charge.refunded", stripe_api.charge(payment.reference, list_refunds=False))
    assert outcome == "syncing_refunds"
    assert ("agora.payments.tasks.refunds_sync", (payment.pk,)) in sent_tasks
    from agora.payments.services import payment_refunds_sync

    assert payment_refunds_sync(payment_id=payment.pk) == "partially_refunded"
    assert Refund.objects.get().amount == Decimal("15.00")
    assert Order.objects.get(number=number).status == "partially_refunded"


@pytest.mark.django_db
def test_staff_refund_of_a_partially_refunded_order_sends_only_what_is_left(
    api_client, stripe_api, two_vendor_order, django_capture_on_commit_callbacks
):
    number, _, payment, _, _ = two_vendor_order
    stripe_api.dashboard_refund(payment.reference, 1000)
    _deliver(api_client, "charge.refunded", stripe_api.charge(payment.reference))
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=Order.objects.get(number=number))
    _, path, params, headers = stripe_api.calls[-1]
    ours = Refund.objects.get(origin="platform")
    assert (path, params["amount"], params["metadata[agora_refund_id]"]) == ("/v1/refunds", "6980", str(ours.pk))
    assert headers["Idempotency-Key"] == f"agora-refund-{ours.pk}"
    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded) == ("refunded", Decimal("79.80"))
    assert Order.objects.get(number=number).status == "refunded"


@pytest.mark.django_db(transaction=True)
def test_refunds_fired_in_parallel_never_exceed_what_was_captured(sent_tasks):
    # given a paid order of 54.90 (dummy gateway: refunds settle at once)
    variant = sellable_variant(price="50.00", stock=5)
    cart = fill_cart(CartFactory.create(), (variant, 1))
    from rest_framework.test import APIClient

    assert post_checkout(APIClient(), token=cart.token).status_code == 201
    payment = Payment.objects.get()

    def refund_ten() -> str:
        try:
            refund_request(payment_id=payment.pk, amount=Decimal("10.00"), reason="goodwill")
            return "ok"
        except NothingToRefund:
            return "refused"

    outcomes = at_once([refund_ten] * 8, timeout=30)
    # five refunds of 10.00 fit into 54.90, the others are refused
    assert sorted(outcomes) == ["ok"] * 5 + ["refused"] * 3
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("50.00") == sum(r.amount for r in Refund.objects.all())
    assert Order.objects.get().status == "partially_refunded"
    # what is left can be refunded, and not a cent more
    with pytest.raises(NothingToRefund):
        refund_request(payment_id=payment.pk, amount=Decimal("4.91"))
    refund_request(payment_id=payment.pk, amount=Decimal("4.90"))
    assert Order.objects.get().status == "refunded"


@pytest.mark.django_db
def test_staff_see_refunds_in_the_admin(api_client, stripe_api, two_vendor_order, staff_user):
    from django.test import Client

    _, _, payment, _, _ = two_vendor_order
    stripe_api.dashboard_refund(payment.reference, 1000)
    _deliver(api_client, "charge.refunded", stripe_api.charge(payment.reference))
    staff_user.is_superuser = True
    staff_user.save()
    client = Client()
    client.force_login(staff_user)
    page = client.get(f"/admin/payments/payment/{payment.pk}/change/")
    assert page.status_code == 200 and b"10.00" in page.content and b"provider" in page.content
    assert client.get("/admin/payments/refund/?status__exact=succeeded").status_code == 200
    assert b"partially_refunded" in client.get(f"/admin/orders/order/{payment.order_id}/change/").content
