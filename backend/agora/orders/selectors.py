"""Order reads, scoped to who may see them: the owner, a guest holding the order's token, a vendor."""

import secrets

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from agora.accounts.models import User
from agora.orders.errors import OrderNotFound, VendorOrderNotFound
from agora.orders.models import Order, OrderLine, VendorOrder
from agora.vendors.models import Vendor

HIDDEN_FROM_VENDORS = [Order.Status.PENDING_PAYMENT, Order.Status.PAYMENT_FAILED]


def _with_details(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("shipping_method").prefetch_related(
        "lines",
        Prefetch(
            "vendor_orders",
            queryset=VendorOrder.objects.select_related("vendor").prefetch_related("lines", "parcels__lines"),
        ),
        "payments",
    )


def order_for_answer(*, pk: int) -> Order:
    """One order with everything its answer shows (a resumed checkout answers from it)."""
    return _with_details(Order.objects.filter(pk=pk)).get()


def order_list(*, user: User) -> QuerySet[Order]:
    return _with_details(Order.objects.filter(user=user))


def order_get_for_caller(
    *, number: str, user: User | AnonymousUser | None, order_token: str | None, cart_token: str | None
) -> Order:
    """The order if the caller owns it, or presents its access token (X-Order-Token) or the guest
    cart token it was placed with. Anything else is indistinguishable from a missing order."""
    order = _with_details(Order.objects.filter(number=number)).first()
    if order is None:
        raise OrderNotFound()
    if user is not None and user.is_authenticated and order.user_id == user.pk:
        return order
    if order_token and secrets.compare_digest(order_token, order.access_token):
        return order
    if cart_token and order.cart_token and secrets.compare_digest(cart_token, order.cart_token):
        return order
    raise OrderNotFound()


def vendor_order_list(*, vendor: Vendor) -> QuerySet[VendorOrder]:
    return (
        VendorOrder.objects.filter(vendor=vendor)
        .exclude(order__status__in=HIDDEN_FROM_VENDORS)
        .select_related("order", "vendor")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")), "order__payments", "parcels__lines"
        )
        .order_by("-created_at", "-id")
    )


def vendor_order_get_for_staff(*, pk: int) -> VendorOrder:
    vo = (
        VendorOrder.objects.select_related("order", "vendor")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")), "order__payments", "parcels__lines"
        )
        .filter(pk=pk)
        .first()
    )
    if vo is None:
        raise VendorOrderNotFound()
    return vo


def vendor_order_get(*, vendor: Vendor, pk: int) -> VendorOrder:
    vo = vendor_order_list(vendor=vendor).filter(pk=pk).first()
    if vo is None:
        raise VendorOrderNotFound()
    return vo
