"""Orders for ledger and payout tests, placed through the real checkout (dummy payments) and
confirmed as the worker would, so shipments and refunds go through the real services."""

from decimal import Decimal

from rest_framework.test import APIClient

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.ledger.models import LedgerEntry
from agora.orders.models import Order, VendorOrder
from agora.orders.services import order_process, vendor_order_ship
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.payments.models import Refund
from agora.payments.services import refund_request, refund_send
from agora.shipping.models import ShippingMethod
from agora.vendors.tests.factories import VendorFactory

FREE = "collect"


def paid_order(*lines: tuple, client: APIClient | None = None, shipping: str = FREE) -> Order:
    """``lines``: (vendor, price, quantity) triples. A paid, confirmed (processing) order. Its
    shipping is a free platform method unless ``shipping`` names another ("standard": 4.90 per
    vendor's parcel), so the sums in money tests are about goods unless a test is about shipping."""
    shipping_methods()
    ShippingMethod.objects.get_or_create(
        code=FREE, defaults={"name": "Collect in person", "price": Decimal("0.00"), "currency": "EUR"}
    )
    cart = fill_cart(CartFactory.create(), *[(sellable_variant(vendor=v, price=p, stock=50), q) for v, p, q in lines])
    r = post_checkout(client or APIClient(), token=cart.token, shipping_method=shipping)
    assert r.status_code == 201, r.json()
    order = Order.objects.get(number=r.json()["number"])
    order_process(order_id=order.pk)
    order.refresh_from_db()
    return order


def one_vendor_order(price: str = "100.00", *, rate: str = "10.00", vendor=None) -> tuple[Order, VendorOrder]:
    vendor = vendor or VendorFactory.create(commission_rate=Decimal(rate))
    order = paid_order((vendor, price, 1))
    return order, order.vendor_orders.get()


def ship(vo: VendorOrder) -> VendorOrder:
    return vendor_order_ship(vendor_order=vo, tracking_number="T-1")


def refund(order: Order, amount: str | None, vo: VendorOrder | None = None) -> Refund:
    """A platform refund, sent to the (dummy) provider as it is after its transaction commits
    (a test inside one transaction never commits, so it is sent here; a second send is a no-op)."""
    pending = refund_request(
        payment_id=order.payments.get().pk,
        amount=Decimal(amount) if amount else None,
        reason="test",
        vendor_order_id=vo.pk if vo else None,
    )
    return refund_send(refund_id=pending.pk)


def entries(vendor, **filters) -> dict[str, Decimal]:
    """The vendor's entries summed by type."""
    out: dict[str, Decimal] = {}
    for e in LedgerEntry.objects.filter(vendor=vendor, **filters):
        out[e.type] = out.get(e.type, Decimal("0.00")) + e.amount
    return out


def total(vendor) -> Decimal:
    return sum((e.amount for e in LedgerEntry.objects.filter(vendor=vendor)), Decimal("0.00"))
