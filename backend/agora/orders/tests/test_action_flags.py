"""The flags the storefront and portal follow (issue 17: the SPA guessed statuses): each action a
flag offers is one the service accepts, and each one it withholds the service refuses."""

import itertools

import pytest
from django.db import transaction

from agora.carts.models import Cart
from agora.carts.tests.factories import sellable_variant
from agora.core.errors import DomainError
from agora.orders.fulfilment import lines_cancel, parcel_ship
from agora.orders.models import Order, VendorOrder
from agora.orders.serializers import OrderSerializer, VendorOrderSerializer
from agora.orders.services import order_cancel, order_process
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from testing.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(make_user):
    shipping_methods()
    user = make_user()
    fill_cart(Cart.objects.create(user=user), (sellable_variant(stock=5), 2))
    r = post_checkout(client_for(user))
    assert r.status_code == 201, r.content
    return Order.objects.get(number=r.json()["number"])


def _accepts(call) -> bool:
    try:
        with transaction.atomic():
            call()
            raise _Undo()
    except _Undo:
        return True
    except DomainError:
        return False


class _Undo(Exception):
    pass


@pytest.mark.parametrize(
    ("order_status", "sub_status"),
    list(itertools.product(Order.Status.values, [VendorOrder.Status.PENDING, VendorOrder.Status.PROCESSING])),
)
def test_vendor_order_actions_are_exactly_what_the_services_accept(order, order_status, sub_status):
    Order.objects.filter(pk=order.pk).update(status=order_status)
    VendorOrder.objects.filter(order=order).update(status=sub_status)
    vo = VendorOrder.objects.select_related("order").get(order=order)

    actions = VendorOrderSerializer(vo).data["actions"]

    assert ("ship" in actions) == _accepts(lambda: parcel_ship(vendor_order=vo))
    assert ("cancel_lines" in actions) == _accepts(lambda: lines_cancel(vendor_order=vo, lines=None, reason="x"))


def test_shipped_and_cancelled_sub_orders_offer_nothing(order):
    order_process(order_id=order.pk)
    vo = VendorOrder.objects.select_related("order").get(order=order)
    parcel_ship(vendor_order=vo)
    vo = VendorOrder.objects.select_related("order").get(pk=vo.pk)
    assert vo.status == "shipped" and VendorOrderSerializer(vo).data["actions"] == []


@pytest.mark.parametrize("order_status", Order.Status.values)
def test_can_cancel_is_exactly_what_cancelling_accepts(order, order_status):
    Order.objects.filter(pk=order.pk).update(status=order_status)
    fresh = Order.objects.prefetch_related("vendor_orders").get(pk=order.pk)
    flag = OrderSerializer(fresh).data["can_cancel"]
    assert flag == _accepts(lambda: order_cancel(order=fresh))
