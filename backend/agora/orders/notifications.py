"""The order emails (sent once through the notification outbox, after commit)."""

from agora.notifications.registry import register
from agora.notifications.services import notification_enqueue
from agora.orders.models import Parcel, VendorOrder

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
