"""The order and sub-order state machines: every status change goes through here.

pending_payment → paid → processing → fulfilled
pending_payment → payment_failed | cancelled
paid | processing → cancelled | refunded;  fulfilled → refunded
paid | processing | fulfilled → partially_refunded → refunded | cancelled

``partially_refunded`` says where the money stands, not the parcels: the rest of the order stands,
so its sub-orders are still processed and shipped (the order keeps the status and gets its
``fulfilled_at`` when the last one ships).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from agora.core.states import StateMachine
from agora.orders.errors import InvalidOrderTransition
from agora.orders.models import Order, VendorOrder

OrderStatus = Order.Status
SubOrderStatus = VendorOrder.Status

ORDER_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.PENDING_PAYMENT: {OrderStatus.PAID, OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED},
    OrderStatus.PAID: {
        OrderStatus.PROCESSING,
        OrderStatus.CANCELLED,
        OrderStatus.REFUNDED,
        OrderStatus.PARTIALLY_REFUNDED,
    },
    OrderStatus.PROCESSING: {
        OrderStatus.FULFILLED,
        OrderStatus.CANCELLED,
        OrderStatus.REFUNDED,
        OrderStatus.PARTIALLY_REFUNDED,
    },
    OrderStatus.FULFILLED: {OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED},
    OrderStatus.PARTIALLY_REFUNDED: {OrderStatus.REFUNDED, OrderStatus.CANCELLED},
    OrderStatus.PAYMENT_FAILED: set(),
    OrderStatus.CANCELLED: set(),
    OrderStatus.REFUNDED: set(),
}
# Cancelling is possible until something shipped (checked against the sub-orders too).
CANCELLABLE = {OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.PARTIALLY_REFUNDED}
# Paid and not closed: its sub-orders are processed and shipped.
OPEN_PAID = {OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.PARTIALLY_REFUNDED}
# Closed: the money goes back to the customer (void or refund of what is left).
CLOSED = {OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.PAYMENT_FAILED}


def can_cancel(status: str, sub_order_statuses: Iterable[str], units_shipped: Iterable[int]) -> bool:
    """Whether the customer may still cancel an order: not closed, and nothing of it shipped — no
    sub-order shipped, and no unit in a first parcel of one shipping in several (a cancel refunds
    the whole order and puts its stock back: what is in the customer's hands comes back as a
    return). One rule for the cancel itself and the ``can_cancel`` flag of every answer."""
    return (
        status in CANCELLABLE
        and all(vo_status != SubOrderStatus.SHIPPED for vo_status in sub_order_statuses)
        and not any(units_shipped)
    )


VENDOR_ORDER_TRANSITIONS: dict[str, set[str]] = {
    SubOrderStatus.PENDING: {SubOrderStatus.PROCESSING, SubOrderStatus.CANCELLED},
    SubOrderStatus.PROCESSING: {SubOrderStatus.SHIPPED, SubOrderStatus.CANCELLED},
    SubOrderStatus.SHIPPED: set(),
    SubOrderStatus.CANCELLED: set(),
}

ORDERS = StateMachine(
    Order,
    ORDER_TRANSITIONS,
    error=lambda current, to: InvalidOrderTransition(details={"from": current, "to": to}),
    timestamps={
        OrderStatus.PAID: "paid_at",
        OrderStatus.CANCELLED: "cancelled_at",
        OrderStatus.FULFILLED: "fulfilled_at",
    },
)
SUB_ORDERS = StateMachine(
    VendorOrder,
    VENDOR_ORDER_TRANSITIONS,
    error=lambda current, to: InvalidOrderTransition(details={"from": current, "to": to}),
    timestamps={SubOrderStatus.SHIPPED: "shipped_at"},
)


def can_transition(current: str, to: str) -> bool:
    return ORDERS.can(current, to)


def order_transition(order: Order, to: str, **fields: Any) -> None:
    """Moves ``order`` to ``to`` if the table allows it, as a compare-and-set on the current status,
    so two concurrent writers cannot both move it (the loser gets InvalidOrderTransition)."""
    ORDERS.move(order, to, **fields)


def vendor_orders_transition(order: Order, to: str, *, only_from: set[str] | None = None) -> int:
    """Moves the order's sub-orders that may go to ``to`` (optionally only those in ``only_from``)."""
    sub_orders: QuerySet[VendorOrder] = VendorOrder.objects.filter(order=order)
    return SUB_ORDERS.move_all(sub_orders, to, only_from=only_from)
