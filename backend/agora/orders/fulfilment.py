"""Fulfilment writes: a vendor ships its sub-order in parcels, or cancels lines it cannot ship.

A line's ``quantity`` splits into what was cancelled, what is in parcels and what is still open.
A sub-order is shipped once nothing of it is open and something shipped; cancelled once
everything was cancelled. Lock order (docs/adr/0002-lock-order.md): the order, then the
sub-order, then (putting stock back) products and variants.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from agora.catalog.services import variants_give_back
from agora.core.errors import ValidationFailed
from agora.core.events import publish
from agora.core.money import money
from agora.orders.errors import InvalidOrderTransition, VendorOrderNotShippable
from agora.orders.events import VendorOrderShipped
from agora.orders.models import SHIPPABLE_ORDER_STATUSES, Order, OrderLine, Parcel, ParcelLine, VendorOrder
from agora.orders.states import SUB_ORDERS, order_transition
from agora.vendors.models import Vendor

SHIPPABLE_ORDER = SHIPPABLE_ORDER_STATUSES
NOT_IN_SUB_ORDER = "This line is not part of this sub-order."
TOO_MANY = "More than is left to ship of this line ({open})."
NOTHING_TO_SHIP = "Nothing is left to ship in this sub-order."


@dataclass(frozen=True)
class LineQuantity:
    line_id: int
    quantity: int


def _locked(vendor_order: VendorOrder) -> tuple[Order, VendorOrder, dict[int, OrderLine]]:
    order = Order.objects.select_for_update().get(pk=vendor_order.order_id)
    vo = VendorOrder.objects.select_for_update().get(pk=vendor_order.pk)
    lines = {line.pk: line for line in OrderLine.objects.filter(vendor_order=vo).order_by("pk")}
    return order, vo, lines


def _quantities(lines: dict[int, OrderLine], wanted: Sequence[LineQuantity] | None) -> dict[int, int]:
    """What to take from each line: the asked quantities (checked against what is open), or
    everything open when nothing is asked."""
    if wanted is None:
        return {pk: line.quantity_open for pk, line in lines.items() if line.quantity_open > 0}
    problems: dict[str, list[str]] = {}
    asked: dict[int, int] = defaultdict(int)
    for item in wanted:
        asked[item.line_id] += item.quantity
    for line_id, quantity in asked.items():
        line = lines.get(line_id)
        if line is None:
            problems[str(line_id)] = [NOT_IN_SUB_ORDER]
        elif quantity > line.quantity_open:
            problems[str(line_id)] = [TOO_MANY.format(open=line.quantity_open)]
    if problems:
        raise ValidationFailed(details={"lines": problems})
    return {pk: qty for pk, qty in asked.items() if qty > 0}


def _settle(order: Order, vo: VendorOrder, reason: str = "") -> None:
    """After lines moved: a sub-order with nothing open is shipped (if anything shipped) or
    cancelled; an order whose sub-orders are all closed is fulfilled."""
    lines = list(OrderLine.objects.filter(vendor_order=vo))
    if any(line.quantity_open for line in lines):
        return
    if any(line.quantity_shipped for line in lines):
        SUB_ORDERS.move(vo, VendorOrder.Status.SHIPPED)
        publish(
            VendorOrderShipped(
                vendor_order_id=vo.pk,
                order_id=order.pk,
                vendor_id=vo.vendor_id,
                shipped_at=vo.shipped_at or timezone.now(),
            )
        )
    else:
        SUB_ORDERS.move(vo, VendorOrder.Status.CANCELLED, cancel_reason=reason[:200])
    statuses = set(VendorOrder.objects.filter(order=order).values_list("status", flat=True))
    if (
        statuses <= {VendorOrder.Status.SHIPPED, VendorOrder.Status.CANCELLED}
        and VendorOrder.Status.SHIPPED in statuses
    ):
        if order.status == Order.Status.PROCESSING:
            order_transition(order, Order.Status.FULFILLED)
        else:  # partially refunded: the status keeps saying so; the date says it all shipped
            Order.objects.filter(pk=order.pk).update(fulfilled_at=timezone.now())


def parcel_ship(
    *,
    vendor_order: VendorOrder,
    lines: Sequence[LineQuantity] | None = None,
    carrier: str = "",
    tracking_number: str = "",
    tracking_url: str = "",
) -> Parcel:
    """Ships a parcel of a confirmed sub-order: the given lines and quantities (default: all that
    is left). The sub-order is shipped with its last parcel."""
    with transaction.atomic():
        order, vo, order_lines = _locked(vendor_order)
        if vo.status != VendorOrder.Status.PROCESSING or order.status not in SHIPPABLE_ORDER:
            raise VendorOrderNotShippable(details={"status": vo.status, "order_status": order.status})
        quantities = _quantities(order_lines, lines)
        if not quantities:
            raise ValidationFailed(NOTHING_TO_SHIP, details={"lines": [NOTHING_TO_SHIP]})
        parcel = Parcel.objects.create(
            vendor_order=vo,
            carrier=carrier,
            tracking_number=tracking_number,
            tracking_url=tracking_url,
            shipped_at=timezone.now(),
        )
        ParcelLine.objects.bulk_create(
            [ParcelLine(parcel=parcel, order_line_id=pk, quantity=qty) for pk, qty in sorted(quantities.items())]
        )
        for pk, qty in quantities.items():
            OrderLine.objects.filter(pk=pk).update(quantity_shipped=F("quantity_shipped") + qty)
        if tracking_number:
            VendorOrder.objects.filter(pk=vo.pk).update(tracking_number=tracking_number)
            vo.tracking_number = tracking_number
        try:
            _settle(order, vo)
        except InvalidOrderTransition:
            raise VendorOrderNotShippable(details={"status": vo.status, "order_status": order.status}) from None
        _after_parcel(parcel)
    return parcel


def _after_parcel(parcel: Parcel) -> None:
    """The shopper hears about each parcel (the notification outbox sends it once, after commit)."""
    from agora.orders.notifications import parcel_shipped

    parcel_shipped(parcel=parcel)


@dataclass(frozen=True)
class Cancelled:
    """What a cancellation took off a sub-order: the quantities per line, their value, and
    whether the sub-order is now cancelled as a whole (its shipping is then owed back too)."""

    vendor_order: VendorOrder
    quantities: dict[int, int]
    goods: Decimal
    whole_sub_order: bool


def lines_cancel(*, vendor_order: VendorOrder, lines: Sequence[LineQuantity] | None, reason: str) -> Cancelled:
    """Cancels open quantities of a paid sub-order (default: all of them) inside the caller's
    transaction: their stock goes back, and the sub-order is cancelled if nothing of it is left
    (or shipped if the rest shipped). The caller refunds what was cancelled (agora.returns)."""
    order, vo, order_lines = _locked(vendor_order)
    if vo.status not in (VendorOrder.Status.PENDING, VendorOrder.Status.PROCESSING) or order.status not in (
        Order.Status.PAID,
        *SHIPPABLE_ORDER,
    ):
        raise VendorOrderNotShippable(
            "Only lines of a paid sub-order that has not shipped can be cancelled.",
            details={"status": vo.status, "order_status": order.status},
        )
    quantities = _quantities(order_lines, lines)
    if not quantities:
        raise ValidationFailed(NOTHING_TO_SHIP, details={"lines": [NOTHING_TO_SHIP]})
    for pk, qty in quantities.items():
        OrderLine.objects.filter(pk=pk).update(quantity_cancelled=F("quantity_cancelled") + qty)
    variants_give_back(
        {variant_id: qty for pk, qty in quantities.items() if (variant_id := order_lines[pk].variant_id) is not None}
    )
    goods = money(sum((order_lines[pk].unit_price * qty for pk, qty in quantities.items()), Decimal("0")))
    if vo.status == VendorOrder.Status.PENDING:  # paid, not processed yet: nothing can have shipped
        remaining = [line for line in OrderLine.objects.filter(vendor_order=vo) if line.quantity_open]
        if not remaining:
            SUB_ORDERS.move(vo, VendorOrder.Status.CANCELLED, cancel_reason=reason[:200])
    else:
        _settle(order, vo, reason)
    vo.refresh_from_db()
    return Cancelled(vo, quantities, goods, whole_sub_order=vo.status == VendorOrder.Status.CANCELLED)


def restock_lines(quantities: dict[int, int]) -> None:
    """Puts returned units back on the shelf (a vendor restocking a return): order line id → units."""
    lines = OrderLine.objects.filter(pk__in=list(quantities), variant__isnull=False).values_list("pk", "variant_id")
    variants_give_back({variant_id: quantities[pk] for pk, variant_id in lines})


# --- handling time ---------------------------------------------------------------------------


# One fixed UPDATE for all of an order's sub-orders (it runs for every paid order): the payment
# time plus each one's vendor's handling days.
_SET_SHIP_BY = (
    f"UPDATE {VendorOrder._meta.db_table} AS vo SET ship_by = %s + make_interval(days => v.handling_days) "  # noqa: S608  # nosec B608  # only our table names are interpolated; values are bound
    f"FROM {Vendor._meta.db_table} AS v WHERE v.id = vo.vendor_id AND vo.order_id = %s AND vo.ship_by IS NULL"
)


def sub_orders_set_ship_by(*, order: Order) -> None:
    """When an order is confirmed, each sub-order must ship within its vendor's handling time."""
    with connection.cursor() as cursor:
        cursor.execute(_SET_SHIP_BY, [order.paid_at or timezone.now(), order.pk])


def late_sub_orders(*, now: datetime | None = None) -> QuerySet[VendorOrder]:
    return VendorOrder.objects.filter(
        status=VendorOrder.Status.PROCESSING, ship_by__lt=now or timezone.now(), late_notified_at__isnull=True
    ).select_related("order", "vendor")


def sub_orders_flag_late(*, now: datetime | None = None) -> int:
    """Beat: tells each vendor (and staff) once about sub-orders past their handling time."""
    from agora.orders.notifications import sub_order_late

    flagged = 0
    for vo in late_sub_orders(now=now)[:500]:
        with transaction.atomic():
            if VendorOrder.objects.filter(pk=vo.pk, late_notified_at__isnull=True).update(
                late_notified_at=timezone.now()
            ):
                sub_order_late(vendor_order=vo, staff=list(settings.STAFF_NOTIFICATION_EMAILS))
                flagged += 1
    return flagged
