"""The orders back office: what staff who may only look at orders can see and do."""

import pytest
from django.urls import reverse

from agora.ledger.tests.helpers import one_vendor_order
from agora.orders.models import Order
from testing.clients import admin_client_with

pytestmark = pytest.mark.django_db


def test_view_only_staff_cannot_refund_or_cancel_an_order_with_an_admin_action(make_user):
    order, _ = one_vendor_order("50.00")
    assert order.status == Order.Status.PROCESSING
    viewer = admin_client_with(make_user, "view_order")
    url = reverse("admin:orders_order_changelist")
    assert viewer.get(url).status_code == 200  # they may look
    for action in ("refund_orders", "cancel_orders"):
        viewer.post(url, {"action": action, "_selected_action": [order.pk]})
        order.refresh_from_db()
        assert order.status == Order.Status.PROCESSING, f"a view-only staff member ran {action}"
    # staff who may change orders still can
    admin_client_with(make_user, "view_order", "change_order").post(
        url, {"action": "refund_orders", "_selected_action": [order.pk]}
    )
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED


def test_the_order_page_does_not_show_the_guests_order_token(make_user):
    order, _ = one_vendor_order("50.00")
    assert order.access_token and order.cart_token
    viewer = admin_client_with(make_user, "view_order")
    page = viewer.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html
    assert order.access_token not in html, "the X-Order-Token that reads, cancels and returns the order is on the page"
    assert order.cart_token not in html, "the cart token that reads the guest's order is on the page"
