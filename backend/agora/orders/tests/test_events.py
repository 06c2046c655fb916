"""What the orders and payments apps announce, for the apps above them (the vendor ledger)."""

from decimal import Decimal

import pytest

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.core.events import recording
from agora.orders.events import VendorOrderShipped
from agora.orders.models import Order, VendorOrder
from agora.orders.services import order_process, vendor_order_ship
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.payments.events import RefundSettled
from agora.payments.models import Payment
from agora.payments.services import refund_request

pytestmark = pytest.mark.django_db


def _paid_order(api_client) -> Order:
    shipping_methods()
    cart = fill_cart(CartFactory.create(), (sellable_variant(price="20.00"), 2))
    r = post_checkout(api_client, token=cart.token)
    order = Order.objects.get(number=r.json()["number"])
    order_process(order_id=order.pk)
    return order


def test_shipping_a_sub_order_announces_it(api_client):
    order = _paid_order(api_client)
    vo = VendorOrder.objects.get(order=order)
    with recording(VendorOrderShipped) as events:
        vendor_order_ship(vendor_order=vo, tracking_number="TRACK-1")
    vo.refresh_from_db()
    assert vo.shipped_at is not None
    assert events == [
        VendorOrderShipped(vendor_order_id=vo.pk, order_id=order.pk, vendor_id=vo.vendor_id, shipped_at=vo.shipped_at)
    ]


def test_a_refund_announces_its_outcome_once_with_its_sub_order(api_client, django_capture_on_commit_callbacks):
    order = _paid_order(api_client)
    vo = VendorOrder.objects.get(order=order)
    payment = Payment.objects.get(order=order)
    with recording(RefundSettled) as events, django_capture_on_commit_callbacks(execute=True):
        refund = refund_request(payment_id=payment.pk, amount=Decimal("5.00"), vendor_order_id=vo.pk)
    assert events == [
        RefundSettled(
            refund_id=refund.pk,
            payment_id=payment.pk,
            order_id=order.pk,
            vendor_order_id=vo.pk,
            amount=Decimal("5.00"),
            currency="EUR",
            succeeded=True,
        )
    ]
