from dataclasses import dataclass

import pytest

from agora.carts.models import Cart
from agora.carts.tests.factories import sellable_variant
from agora.orders.fulfilment import LineQuantity, parcel_ship
from agora.orders.models import Order, OrderLine, VendorOrder
from agora.orders.services import order_process
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from testing.clients import client_for


@dataclass
class Bought:
    """Shopper Ada bought a lamp (shipped) and a shade (not shipped yet) from Lumen Works."""

    shopper: object
    client: object
    vendor: object
    vendor_client: object
    order: Order
    lamp: OrderLine
    shade: OrderLine


def buy(user, *variants) -> Order:
    fill_cart(Cart.objects.get_or_create(user=user)[0], *((v, 1) for v in variants))
    r = post_checkout(client_for(user))
    assert r.status_code == 201, r.content
    order = Order.objects.get(number=r.json()["number"])
    order_process(order_id=order.pk)
    return order


def ship(line: OrderLine) -> None:
    parcel_ship(
        vendor_order=VendorOrder.objects.get(pk=line.vendor_order_id), lines=[LineQuantity(line.pk, line.quantity)]
    )


@pytest.fixture
def bought(make_user):
    shipping_methods()
    vendor = VendorFactory.create(name="Lumen Works", slug="lumen-works")
    lamp = sellable_variant(price="40.00", vendor=vendor, name="Brass")
    shade = sellable_variant(price="15.00", vendor=vendor)
    shopper = make_user(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    order = buy(shopper, lamp, shade)
    lines = {line.variant_id: line for line in order.lines.all()}
    ship(lines[lamp.pk])
    return Bought(
        shopper=shopper,
        client=client_for(shopper),
        vendor=vendor,
        vendor_client=client_for(VendorMembershipFactory.create(vendor=vendor).user),
        order=order,
        lamp=OrderLine.objects.get(pk=lines[lamp.pk].pk),
        shade=lines[shade.pk],
    )
