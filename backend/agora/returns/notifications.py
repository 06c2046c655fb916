"""The after-sale emails (sent once through the notification outbox, after commit)."""

import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings

from agora.notifications.registry import register
from agora.notifications.services import notification_enqueue
from agora.orders.models import OrderLine, VendorOrder
from agora.returns.models import ReturnRequest

_ORDER = {"order_number": "AG-7K2M9QX4RT", "vendor_name": "Lumen Works"}
_LINES = [{"name": "Aurora Desk Lamp — Brass", "quantity": 1}]
_RETURN = {**_ORDER, "return_id": 12, "lines": _LINES, "reason": "It arrived scratched."}

register(
    "lines_cancelled",
    sample={**_ORDER, "lines": _LINES, "amount": "49.90", "currency": "EUR", "reason": "Sold out at the warehouse."},
    description="To the shopper: a vendor cancelled lines it could not ship; that amount is refunded.",
)
register("return_requested", sample=_RETURN, description="To the vendor: a shopper asks to return lines.")
register("return_approved", sample=_RETURN, description="To the shopper: the vendor accepted the return.")
register(
    "return_rejected",
    sample={**_RETURN, "note": "The item was used."},
    description="To the shopper: the vendor refused the return (with why); it can be disputed.",
)
register(
    "return_disputed",
    sample={**_RETURN, "dispute_reason": "It was never used."},
    description="To staff: a shopper disputes a vendor's refusal.",
)
register(
    "return_decided",
    sample={**_RETURN, "approved": True, "note": "The photos show damage in transit."},
    description="To the shopper and the vendor: staff settled a disputed return.",
)
register(
    "return_refunded",
    sample={**_RETURN, "amount": "49.90", "currency": "EUR"},
    description="To the shopper: the vendor received the return and refunded it.",
)


def _lines(quantities: Mapping[int, int]) -> list[dict[str, object]]:
    lines = OrderLine.objects.filter(pk__in=list(quantities)).order_by("pk")
    return [{"name": f"{line.product_name} — {line.variant_name}", "quantity": quantities[line.pk]} for line in lines]


def _return_context(request: ReturnRequest) -> dict[str, object]:
    vo = request.vendor_order
    return {
        "order_number": request.order.number,
        "vendor_name": vo.vendor.name,
        "return_id": request.pk,
        "lines": _lines(dict(request.lines.values_list("order_line_id", "quantity"))),
        "reason": request.reason,
    }


def _to_shopper(template: str, request: ReturnRequest, **extra: object) -> None:
    notification_enqueue(
        template=template,
        to=request.order.email,
        context={**_return_context(request), **extra},
        key=f"{template}:{request.pk}",
    )


def lines_cancelled(*, vendor_order: VendorOrder, quantities: Mapping[int, int], amount: Decimal, reason: str) -> None:
    order = vendor_order.order
    notification_enqueue(
        template="lines_cancelled",
        to=order.email,
        context={
            "order_number": order.number,
            "vendor_name": vendor_order.vendor.name,
            "lines": _lines(quantities),
            "amount": f"{amount:.2f}",
            "currency": order.currency,
            "reason": reason,
        },
        key=f"lines_cancelled:{vendor_order.pk}:{uuid.uuid4().hex}",  # one email per cancellation
    )


def return_requested(*, return_request: ReturnRequest) -> None:
    vendor = return_request.vendor_order.vendor
    notification_enqueue(
        template="return_requested",
        to=vendor.contact_email,
        context=_return_context(return_request),
        key=f"return_requested:{return_request.pk}",
    )


def return_approved(*, return_request: ReturnRequest) -> None:
    _to_shopper("return_approved", return_request)


def return_rejected(*, return_request: ReturnRequest) -> None:
    _to_shopper("return_rejected", return_request, note=return_request.vendor_note)


def return_disputed(*, return_request: ReturnRequest) -> None:
    for staff in settings.STAFF_NOTIFICATION_EMAILS:
        notification_enqueue(
            template="return_disputed",
            to=staff,
            context={**_return_context(return_request), "dispute_reason": return_request.dispute_reason},
            key=f"return_disputed:{return_request.pk}:{staff}",
        )


def return_decided(*, return_request: ReturnRequest) -> None:
    approved = return_request.status == ReturnRequest.Status.APPROVED
    context = {**_return_context(return_request), "approved": approved, "note": return_request.staff_note}
    for to in (return_request.order.email, return_request.vendor_order.vendor.contact_email):
        notification_enqueue(
            template="return_decided", to=to, context=context, key=f"return_decided:{return_request.pk}:{to}"
        )


def return_refunded(*, return_request: ReturnRequest, amount: Decimal) -> None:
    _to_shopper("return_refunded", return_request, amount=f"{amount:.2f}", currency=return_request.order.currency)
