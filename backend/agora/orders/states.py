"""The order and sub-order state machines: every status change goes through here.

pending_payment → paid → processing → fulfilled
pending_payment → payment_failed | cancelled
paid | processing → cancelled | refunded;  fulfilled → refunded
paid | processing | fulfilled → partially_refunded → refunded | cancelled

``partially_refunded`` says where the money stands, not the parcels: the rest of the order stands,
so its sub-orders are still processed and shipped (the order keeps the status and gets its
``fulfilled_at`` when the last one ships).
"""

from django.utils import timezone

from agora.orders.errors import InvalidOrderTransition
from agora.orders.models import Order, VendorOrder

S = Order.Status
ORDER_TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_PAYMENT: {S.PAID, S.PAYMENT_FAILED, S.CANCELLED},
    S.PAID: {S.PROCESSING, S.CANCELLED, S.REFUNDED, S.PARTIALLY_REFUNDED},
    S.PROCESSING: {S.FULFILLED, S.CANCELLED, S.REFUNDED, S.PARTIALLY_REFUNDED},
    S.FULFILLED: {S.REFUNDED, S.PARTIALLY_REFUNDED},
    S.PARTIALLY_REFUNDED: {S.REFUNDED, S.CANCELLED},
    S.PAYMENT_FAILED: set(),
    S.CANCELLED: set(),
    S.REFUNDED: set(),
}
# Cancelling is possible until something shipped (checked against the sub-orders too).
CANCELLABLE = {S.PENDING_PAYMENT, S.PAID, S.PROCESSING, S.PARTIALLY_REFUNDED}
# Paid and not closed: its sub-orders are processed and shipped.
OPEN_PAID = {S.PAID, S.PROCESSING, S.PARTIALLY_REFUNDED}
_TIMESTAMPS = {S.PAID: "paid_at", S.CANCELLED: "cancelled_at", S.FULFILLED: "fulfilled_at"}

V = VendorOrder.Status
VENDOR_ORDER_TRANSITIONS: dict[str, set[str]] = {
    V.PENDING: {V.PROCESSING, V.CANCELLED},
    V.PROCESSING: {V.SHIPPED, V.CANCELLED},
    V.SHIPPED: set(),
    V.CANCELLED: set(),
}


def can_transition(current: str, to: str) -> bool:
    return to in ORDER_TRANSITIONS[current]


def order_transition(order: Order, to: str, **fields) -> None:
    """Moves ``order`` to ``to`` if the table allows it, as a compare-and-set on the current status,
    so two concurrent writers cannot both move it (the loser gets InvalidOrderTransition)."""
    if not can_transition(order.status, to):
        raise InvalidOrderTransition(details={"from": order.status, "to": to})
    now = timezone.now()
    changes = {"status": to, "updated_at": now, **fields}
    if to in _TIMESTAMPS:
        changes[_TIMESTAMPS[to]] = now
    if Order.objects.filter(pk=order.pk, status=order.status).update(**changes) != 1:
        raise InvalidOrderTransition(details={"from": order.status, "to": to})
    for name, value in changes.items():
        setattr(order, name, value)


def vendor_orders_transition(order: Order, to: str, *, only_from: set[str] | None = None) -> int:
    """Moves the order's sub-orders that may go to ``to`` (optionally only those in ``only_from``)."""
    allowed = {s for s, targets in VENDOR_ORDER_TRANSITIONS.items() if to in targets}
    if only_from is not None:
        allowed &= only_from
    return VendorOrder.objects.filter(order=order, status__in=allowed).update(status=to, updated_at=timezone.now())
