"""The order emails (sent once through the notification outbox, after commit)."""

from decimal import Decimal
from typing import Any

from agora.core.money import ZERO, line_total, money
from agora.core.site import site_url
from agora.notifications.registry import register
from agora.notifications.services import Outgoing, notification_enqueue, notifications_enqueue
from agora.orders.models import Order, Parcel, VendorOrder
from agora.orders.pricing import commission_back

register(
    "order_confirmed",
    sample={
        "order_number": "AG-7K2M9QX4RT",
        "currency": "EUR",
        "vendors": [
            {
                "vendor_name": "Lumen Works",
                "shipping_method": "Standard",
                "shipping_total": "4.90",
                "lines": [
                    {"name": "Aurora Desk Lamp — Brass", "quantity": 1, "unit_price": "89.00", "line_total": "89.00"}
                ],
            },
            {
                "vendor_name": "North Loom",
                "shipping_method": "Express",
                "shipping_total": "9.90",
                "lines": [{"name": "Wool Throw — Grey", "quantity": 2, "unit_price": "45.00", "line_total": "90.00"}],
            },
        ],
        "subtotal": "179.00",
        "shipping_total": "14.80",
        "total": "193.80",
        # What was paid and what goes back for lines cancelled before the order was processed
        # (empty when none was: the total is what was paid).
        "paid": "238.70",
        "refunded": "44.90",
        "order_url": "https://agora.example/account/orders/AG-7K2M9QX4RT",
    },
    description="To the shopper: the order is paid and confirmed; one parcel per vendor follows.",
)
register(
    "vendor_new_order",
    sample={
        "order_number": "AG-7K2M9QX4RT",
        "vendor_name": "Lumen Works",
        "currency": "EUR",
        "lines": [{"sku": "AUR-BR", "name": "Aurora Desk Lamp — Brass", "quantity": 1, "line_total": "89.00"}],
        "subtotal": "89.00",
        "shipping_method": "Standard",
        "shipping_total": "4.90",
        "commission_rate": "12.00",
        "commission": "10.68",
        "ship_by": "2026-12-03",
        "portal_url": "https://agora.example/vendor/orders",
    },
    description="To the vendor: a paid sub-order to pack and ship, with the date it is due out.",
)

register(
    "parcel_shipped",
    sample={
        "order_number": "AG-7K2M9QX4RT",
        "vendor_name": "Lumen Works",
        "lines": [{"name": "Aurora Desk Lamp — Brass", "quantity": 1}],
        "carrier": "DHL",
        "tracking_number": "00340434161094042557",
        "tracking_url": "https://www.dhl.de/track?piececode=00340434161094042557",
        "all_shipped": False,
    },
    description="To the shopper: a vendor sent a parcel of their order (one email per parcel).",
)
register(
    "sub_order_late",
    sample={"order_number": "AG-7K2M9QX4RT", "vendor_name": "Lumen Works", "ship_by": "2026-12-03", "sub_order_id": 41},
    description="To the vendor and staff: a paid sub-order was not shipped within the vendor's handling time.",
)


def parcel_shipped(*, parcel: Parcel) -> None:
    vo = VendorOrder.objects.select_related("order", "vendor").get(pk=parcel.vendor_order_id)
    lines = [
        {"name": f"{pl.order_line.product_name} — {pl.order_line.variant_name}", "quantity": pl.quantity}
        for pl in parcel.lines.select_related("order_line").order_by("pk")
    ]
    notification_enqueue(
        template="parcel_shipped",
        to=vo.order.email,
        context={
            "order_number": vo.order.number,
            "vendor_name": vo.vendor.name,
            "lines": lines,
            "carrier": parcel.carrier,
            "tracking_number": parcel.tracking_number,
            "tracking_url": parcel.tracking_url,
            "all_shipped": vo.status == VendorOrder.Status.SHIPPED,
        },
        key=f"parcel_shipped:{parcel.pk}",
    )


def sub_order_late(*, vendor_order: VendorOrder, staff: list[str]) -> None:
    context = {
        "order_number": vendor_order.order.number,
        "vendor_name": vendor_order.vendor.name,
        "ship_by": vendor_order.ship_by.date().isoformat() if vendor_order.ship_by else "",
        "sub_order_id": vendor_order.pk,
    }
    for to in [vendor_order.vendor.contact_email, *staff]:
        notification_enqueue(
            template="sub_order_late", to=to, context=context, key=f"sub_order_late:{vendor_order.pk}:{to}"
        )


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def order_processed(*, order: Order, sub_orders: list[dict[str, Any]]) -> None:
    """The emails of a paid order, written in one INSERT: the shopper's confirmation and each
    vendor's notice of its sub-order (each once: keyed by order and vendor). ``sub_orders`` are
    the order's, as ``orders.selectors.sub_orders_for_mail`` reads them.

    A vendor may have cancelled lines (or its whole sub-order) before the order was processed:
    the emails list what is left to ship, and their amounts are those of what they list."""
    shipping = [vo for vo in sub_orders if vo["status"] != VendorOrder.Status.CANCELLED]
    notifications_enqueue(
        [_order_confirmed(order, sub_orders, shipping), *(_vendor_new_order(order, vo) for vo in shipping)]
    )


def _left(line: dict[str, Any]) -> int:
    """Units of a line still sent (a vendor may have cancelled some)."""
    return int(line["quantity"] - line["quantity_cancelled"])


def _cancelled_goods(vo: dict[str, Any]) -> Decimal:
    """The value of a sub-order's cancelled units: what their cancellations refunded
    (agora.returns.services.sub_order_cancel_lines)."""
    return money(sum((line["unit_price"] * line["quantity_cancelled"] for line in vo["lines"]), ZERO))


def _goods_left(vo: dict[str, Any]) -> Decimal:
    return money(vo["subtotal"] - _cancelled_goods(vo))


def _refunded(vo: dict[str, Any]) -> Decimal:
    """What goes back to the shopper of a sub-order for its cancellations: the cancelled units,
    and its shipping too once it is cancelled as a whole."""
    if vo["status"] == VendorOrder.Status.CANCELLED:
        return money(vo["subtotal"] + vo["shipping_total"])
    return _cancelled_goods(vo)


def _order_confirmed(order: Order, sub_orders: list[dict[str, Any]], shipping: list[dict[str, Any]]) -> Outgoing:
    """The shopper's confirmation: every sub-order still shipping, with its lines and the totals
    of them; with what was paid and what goes back for cancelled lines when there are any."""
    vendors = [
        {
            "vendor_name": vo["vendor_name"],
            "shipping_method": vo["shipping_method_name"] or order.shipping_method_name,
            "shipping_total": _money(vo["shipping_total"]),
            "lines": [
                {
                    "name": f"{line['product_name']} — {line['variant_name']}",
                    "quantity": _left(line),
                    "unit_price": _money(line["unit_price"]),
                    "line_total": _money(line_total(line["unit_price"], _left(line))),
                }
                for line in vo["lines"]
                if _left(line) > 0
            ],
        }
        for vo in shipping
    ]
    subtotal = money(sum((_goods_left(vo) for vo in shipping), ZERO))
    shipping_total = money(sum((vo["shipping_total"] for vo in shipping), ZERO))
    refunded = money(sum((_refunded(vo) for vo in sub_orders), ZERO))
    return Outgoing(
        template="order_confirmed",
        to=order.email,
        context={
            "order_number": order.number,
            "currency": order.currency,
            "vendors": vendors,
            "subtotal": _money(subtotal),
            "shipping_total": _money(shipping_total),
            "total": _money(money(subtotal + shipping_total)),
            # Empty when nothing was cancelled: the total is then what was paid.
            "paid": _money(order.total) if refunded else "",
            "refunded": _money(refunded) if refunded else "",
            "order_url": site_url(f"/account/orders/{order.number}") if order.user_id else "",
        },
        key=f"order_confirmed:{order.number}",
    )


def _vendor_new_order(order: Order, vo: dict[str, Any]) -> Outgoing:
    """The vendor's notice of a sub-order to ship: its lines left to ship, their subtotal, and
    the commission the ledger keeps of the sub-order once its cancellations are refunded."""
    lines = [
        {
            "sku": line["sku"],
            "name": f"{line['product_name']} — {line['variant_name']}",
            "quantity": _left(line),
            "line_total": _money(line_total(line["unit_price"], _left(line))),
        }
        for line in vo["lines"]
        if _left(line) > 0
    ]
    commission = vo["commission"] - commission_back(
        commission=vo["commission"],
        subtotal=vo["subtotal"],
        shipping=vo["shipping_total"],
        commission_on_shipping=vo["commission_on_shipping"],
        refunded=_cancelled_goods(vo),
    )
    return Outgoing(
        template="vendor_new_order",
        to=vo["vendor_email"],
        context={
            "order_number": order.number,
            "vendor_name": vo["vendor_name"],
            "currency": vo["currency"],
            "lines": lines,
            "subtotal": _money(_goods_left(vo)),
            "shipping_method": vo["shipping_method_name"] or order.shipping_method_name,
            "shipping_total": _money(vo["shipping_total"]),
            "commission_rate": _money(vo["commission_rate"]),
            "commission": _money(commission),
            "ship_by": vo["ship_by"].date().isoformat() if vo["ship_by"] else "",
            "portal_url": site_url("/vendor/orders"),
        },
        key=f"vendor_new_order:{order.number}:{vo['vendor_id']}",
    )
