"""What the returns app holds about a person (their returns, in their own words), for data exports
and account deletion."""

from agora.core.privacy import register
from agora.notifications.services import notifications_redact
from agora.returns.models import ReturnRequest

# The after-sale emails quote the shopper's words (returns.notifications): to the vendor and staff too.
QUOTING_TEMPLATES = (
    "return_requested",
    "return_approved",
    "return_rejected",
    "return_disputed",
    "return_decided",
    "return_refunded",
)
FREE_TEXT = ("reason", "dispute_reason")


def returns_personal_data(user) -> list[dict]:
    returns = (
        ReturnRequest.objects.filter(order__user=user)
        .select_related("order", "vendor_order__vendor")
        .prefetch_related("lines__order_line")
        .order_by("created_at", "pk")
    )
    return [
        {
            "order": rr.order.number,
            "vendor": rr.vendor_order.vendor.name,
            "status": rr.status,
            "reason": rr.reason,
            "dispute_reason": rr.dispute_reason,
            "vendor_note": rr.vendor_note,
            "staff_note": rr.staff_note,
            "lines": [
                {
                    "product": line.order_line.product_name,
                    "variant": line.order_line.variant_name,
                    "sku": line.order_line.sku,
                    "quantity": line.quantity,
                }
                for line in rr.lines.all()
            ],
            "created_at": rr.created_at.isoformat(),
            "refunded_at": rr.refunded_at.isoformat() if rr.refunded_at else None,
        }
        for rr in returns
    ]


def _erase(user, replacement_email: str) -> None:
    # The return stays (its lines and refund are the books); the person's own words go, from the
    # return and from the emails that quoted them.
    ids = list(ReturnRequest.objects.filter(order__user=user).values_list("pk", flat=True))
    ReturnRequest.objects.filter(pk__in=ids).update(reason="", dispute_reason="")
    notifications_redact(templates=QUOTING_TEMPLATES, where="return_id", among=ids, fields=FREE_TEXT)


def _unfinished(user) -> list[str]:
    from agora.returns.selectors import orders_with_open_returns

    return orders_with_open_returns(user_id=user.pk)


register("returns", export=returns_personal_data, erase=_erase, unfinished=_unfinished)
