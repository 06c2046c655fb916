"""What the orders app holds about a person, for data exports and account deletion."""

from agora.core.privacy import register
from agora.orders.models import Order


def orders_personal_data(user) -> list[dict]:
    orders = (
        Order.objects.filter(user=user)
        .prefetch_related("lines", "vendor_orders__vendor", "payments")
        .order_by("created_at", "pk")
    )
    return [
        {
            "number": order.number,
            "status": order.status,
            "created_at": order.created_at.isoformat(),
            "email": order.email,
            "shipping_address": order.shipping_address,
            "shipping_method": order.shipping_method_name,
            "currency": order.currency,
            "subtotal": str(order.subtotal),
            "shipping": str(order.shipping_total),
            "total": str(order.total),
            "lines": [
                {
                    "product": line.product_name,
                    "variant": line.variant_name,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "unit_price": str(line.unit_price),
                    "line_total": str(line.line_total),
                }
                for line in order.lines.all()
            ],
            "vendors": [
                {"vendor": vo.vendor.name, "status": vo.status, "tracking_number": vo.tracking_number}
                for vo in order.vendor_orders.all()
            ],
            "payments": [
                {"method": p.gateway, "status": p.status, "amount": str(p.amount), "currency": p.currency}
                for p in order.payments.all()
            ],
        }
        for order in orders
    ]


def _erase(user, replacement_email: str) -> None:
    from agora.orders.services import orders_anonymise_customer

    orders_anonymise_customer(user_id=user.pk, email=replacement_email)


def _unfinished(user) -> list[str]:
    from agora.orders.selectors import orders_still_to_ship

    return orders_still_to_ship(user_id=user.pk)


register("orders", export=orders_personal_data, erase=_erase, unfinished=_unfinished)
