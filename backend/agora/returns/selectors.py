"""After-sale reads, scoped to who may see them."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from agora.orders.models import Order, VendorOrder
from agora.returns import errors
from agora.returns.models import ReturnLine, ReturnRequest
from agora.returns.services import returnable
from agora.vendors.models import Vendor


def _with_details(qs: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    return qs.select_related("order", "vendor_order__vendor", "refund").prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line").order_by("pk"))
    )


def order_returns(*, order: Order) -> QuerySet[ReturnRequest]:
    return _with_details(ReturnRequest.objects.filter(order=order))


def order_return_get(*, order: Order, pk: int) -> ReturnRequest:
    request = order_returns(order=order).filter(pk=pk).first()
    if request is None:
        raise errors.ReturnNotFound()
    return request


def order_returnable(*, order: Order) -> list[dict[str, Any]]:
    """Every shipped line of the order that may still be returned, with how many and until when."""
    answer = []
    for vo in VendorOrder.objects.filter(order=order).select_related("vendor").order_by("pk"):
        for line_id, item in returnable(vo).items():
            line = item["line"]
            answer.append(
                {
                    "vendor_order_id": vo.pk,
                    "vendor": vo.vendor,
                    "line_id": line_id,
                    "name": f"{line.product_name} — {line.variant_name}",
                    "quantity": item["quantity"],
                    "until": item["until"],
                }
            )
    return answer


def vendor_returns(*, vendor: Vendor, status: str | None = None) -> QuerySet[ReturnRequest]:
    qs = ReturnRequest.objects.filter(vendor_order__vendor=vendor)
    if status:
        qs = qs.filter(status=status)
    return _with_details(qs)


def vendor_return_get(*, vendor: Vendor, pk: int) -> ReturnRequest:
    request = vendor_returns(vendor=vendor).filter(pk=pk).first()
    if request is None:
        raise errors.ReturnNotFound()
    return request


def staff_returns(*, status: str | None = None) -> QuerySet[ReturnRequest]:
    qs = ReturnRequest.objects.all()
    if status:
        qs = qs.filter(status=status)
    return _with_details(qs)


def staff_return_get(*, pk: int) -> ReturnRequest:
    request = staff_returns().filter(pk=pk).first()
    if request is None:
        raise errors.ReturnNotFound()
    return request


# A return still to be decided (requested, disputed) or, approved, still to be refunded.
OPEN_RETURN_STATUSES = (ReturnRequest.Status.REQUESTED, ReturnRequest.Status.DISPUTED, ReturnRequest.Status.APPROVED)


def orders_with_open_returns(*, user_id: int) -> list[str]:
    """The numbers of the person's orders with a return not settled yet."""
    return list(
        ReturnRequest.objects.filter(order__user_id=user_id, status__in=OPEN_RETURN_STATUSES)
        .order_by("order__number")
        .values_list("order__number", flat=True)
        .distinct()
    )
