"""After-sale writes: a vendor cancels lines it cannot ship, a shopper returns shipped lines, and
every refund of a sub-order is a row with its amount, its lines and its sub-order.

Money: a refund of a sub-order is written with payments.refund_create under the payment's row
lock, never more than what was captured for that sub-order (its goods and its shipping) minus
what was already refunded of it, pending refunds included; it is sent after commit with its own
idempotency key. Lock order (docs/adr/0002-lock-order.md): payment, order, sub-order, return,
then products and variants.
"""

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from agora.core.errors import ValidationFailed
from agora.core.money import ZERO, allocate, money
from agora.core.states import StateMachine
from agora.orders.fulfilment import LineQuantity, lines_cancel, restock_lines
from agora.orders.models import Order, OrderLine, ParcelLine, VendorOrder
from agora.payments.models import Payment, Refund
from agora.payments.services import payment_lock, refund_create
from agora.returns import errors, notifications
from agora.returns.models import RefundLine, ReturnLine, ReturnRequest

Status = ReturnRequest.Status
RETURNS = StateMachine(
    ReturnRequest,
    {
        Status.REQUESTED: {Status.APPROVED, Status.REJECTED},
        Status.REJECTED: {Status.DISPUTED},
        Status.DISPUTED: {Status.APPROVED, Status.CLOSED},
        Status.APPROVED: {Status.REFUNDED},
    },
    error=lambda current, to: errors.ReturnTransitionNotAllowed(details={"status": current, "requested": to}),
)
# Returns that still hold their units (a rejected one may be disputed).
ACTIVE = (Status.REQUESTED, Status.APPROVED, Status.REJECTED, Status.DISPUTED, Status.REFUNDED)


def _captured_payment(order: Order) -> Payment:
    payment = (
        Payment.objects.filter(order=order, status__in=[Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED])
        .order_by("-pk")
        .first()
    )
    if payment is None:
        raise errors.NothingPaid()
    return payment


def _captured_for(vo: VendorOrder) -> Decimal:
    """What the customer paid for this sub-order: its goods and its shipping."""
    return money(vo.subtotal + vo.shipping_total)


def _refund(*, payment: Payment, vo: VendorOrder, amount: Decimal, reason: str, lines: dict[int, int]) -> Refund:
    """The refund row and its lines. The lines' amounts are their part of the refund: their value
    when it covers them all (a cancellation, whose refund may add the shipping; a return refunded
    in full), else the refund spread over them pro rata to their value, in cents that add up to
    it (a return refunded in part)."""
    refund = refund_create(
        payment_id=payment.pk,
        amount=amount,
        reason=reason,
        vendor_order_id=vo.pk,
        vendor_order_limit=_captured_for(vo),
    )
    prices = dict(OrderLine.objects.filter(pk__in=list(lines)).values_list("pk", "unit_price"))
    values = {pk: money(prices[pk] * qty) for pk, qty in sorted(lines.items())}
    shares = allocate(min(amount, sum(values.values(), ZERO)), values)
    RefundLine.objects.bulk_create(
        [RefundLine(refund=refund, order_line_id=pk, quantity=lines[pk], amount=shares[pk]) for pk in values]
    )
    return refund


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(details={"reason": [errors.REASON_REQUIRED]})
    return text


# --- cancellations -----------------------------------------------------------------------------


def sub_order_cancel_lines(
    *, vendor_order: VendorOrder, lines: Sequence[LineQuantity] | None, reason: str, by_staff: bool = False
) -> Refund | None:
    """The vendor (or staff, for a late sub-order) cancels open lines of its paid sub-order
    (default: all of them): their stock goes back and their value is refunded to the shopper —
    with the sub-order's shipping when nothing of it will ship. The rest of the order stands."""
    reason = _reason(reason)
    order = Order.objects.get(pk=vendor_order.order_id)
    with transaction.atomic():
        payment = payment_lock(payment_id=_captured_payment(order).pk)
        cancelled = lines_cancel(vendor_order=vendor_order, lines=lines, reason=reason)
        vo = cancelled.vendor_order
        amount = cancelled.goods + (vo.shipping_total if cancelled.whole_sub_order else ZERO)
        who = "staff" if by_staff else "the vendor"
        refund = None
        if amount > ZERO:
            refund = _refund(
                payment=payment,
                vo=vo,
                amount=amount,
                reason=f"cancelled by {who}: {reason}",
                lines=cancelled.quantities,
            )
        notifications.lines_cancelled(vendor_order=vo, quantities=cancelled.quantities, amount=amount, reason=reason)
    return refund


# --- returns -----------------------------------------------------------------------------------


def returnable(vendor_order: VendorOrder, *, now: datetime | None = None) -> dict[int, dict[str, Any]]:
    """Per shipped line: how many units may still be returned, and until when (its last parcel's
    date plus the return window the vendor offered when the order was placed, recorded on the
    sub-order: a vendor shortening its window later does not shorten it for orders already
    placed). Units in any return that was not closed count as taken."""
    now = now or timezone.now()
    window = timedelta(days=vendor_order.return_window_days)
    shipped_at = dict(
        ParcelLine.objects.filter(parcel__vendor_order=vendor_order)
        .values("order_line_id")
        .annotate(at=Max("parcel__shipped_at"))
        .values_list("order_line_id", "at")
    )
    taken = dict(
        ReturnLine.objects.filter(return_request__vendor_order=vendor_order, return_request__status__in=ACTIVE)
        .values("order_line_id")
        .annotate(n=Sum("quantity"))
        .values_list("order_line_id", "n")
    )
    answer = {}
    for line in OrderLine.objects.filter(vendor_order=vendor_order, quantity_shipped__gt=0).order_by("pk"):
        at = shipped_at.get(line.pk) or vendor_order.shipped_at or now
        until = at + window
        left = line.quantity_shipped - (taken.get(line.pk) or 0)
        answer[line.pk] = {"line": line, "quantity": max(left, 0) if now <= until else 0, "until": until}
    return answer


def return_create(*, order: Order, vendor_order_id: int, lines: Sequence[LineQuantity], reason: str) -> ReturnRequest:
    """The shopper asks to return shipped lines of one sub-order, within the vendor's window."""
    reason = _reason(reason)
    with transaction.atomic():
        Order.objects.select_for_update().get(pk=order.pk)
        vo = (
            VendorOrder.objects.select_for_update(of=("self",))
            .select_related("vendor")
            .filter(pk=vendor_order_id, order=order)
            .first()
        )
        if vo is None:
            raise ValidationFailed(details={"vendor_order": [errors.NOT_IN_ORDER]})
        allowed = returnable(vo)
        asked: dict[int, int] = {}
        for item in lines:
            asked[item.line_id] = asked.get(item.line_id, 0) + item.quantity
        problems = {
            str(pk): [
                errors.NOT_RETURNABLE.format(left=allowed[pk]["quantity"]) if pk in allowed else errors.NOT_SHIPPED
            ]
            for pk, qty in asked.items()
            if pk not in allowed or qty > allowed[pk]["quantity"]
        }
        if not asked or problems:
            raise ValidationFailed(details={"lines": problems or [errors.NO_LINES]})
        request = ReturnRequest.objects.create(order=order, vendor_order=vo, reason=reason)
        ReturnLine.objects.bulk_create(
            [ReturnLine(return_request=request, order_line_id=pk, quantity=qty) for pk, qty in sorted(asked.items())]
        )
        notifications.return_requested(return_request=request)
    return request


def _locked(return_request: ReturnRequest) -> ReturnRequest:
    return (
        # Only the return's row: the vendor row joined in must not be locked (checkouts share-lock
        # it at commit while they hold products this refund may restock; see the lock order).
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("order", "vendor_order__vendor")
        .get(pk=return_request.pk)
    )


def _move(return_request: ReturnRequest, to: str, announce: Callable[..., None], **changes: Any) -> ReturnRequest:
    """Moves the return to ``to`` under its row lock (``changes``: the fields written with it and
    the machine's ``only_from``) and announces it by email, in one transaction."""
    with transaction.atomic():
        request = _locked(return_request)
        RETURNS.move(request, to, **changes)
        announce(return_request=request)
    return request


def return_approve(*, return_request: ReturnRequest) -> ReturnRequest:
    """The vendor accepts the return: the shopper sends the items back."""
    return _move(return_request, Status.APPROVED, notifications.return_approved, only_from={Status.REQUESTED})


def return_reject(*, return_request: ReturnRequest, note: str) -> ReturnRequest:
    """The vendor refuses the return, saying why; the shopper may dispute it."""
    note = _reason(note)
    return _move(return_request, Status.REJECTED, notifications.return_rejected, vendor_note=note[:500])


def return_dispute(*, return_request: ReturnRequest, reason: str) -> ReturnRequest:
    """The shopper disagrees with a rejection: staff decide."""
    reason = _reason(reason)
    return _move(return_request, Status.DISPUTED, notifications.return_disputed, dispute_reason=reason)


def return_decide(*, return_request: ReturnRequest, approve: bool, note: str, staff: Any) -> ReturnRequest:
    """Staff settle a disputed return: approved (the shopper sends it back) or closed."""
    note = _reason(note)
    return _move(
        return_request,
        Status.APPROVED if approve else Status.CLOSED,
        notifications.return_decided,
        only_from={Status.DISPUTED},  # staff settle disputes; the vendor answers new requests
        staff_note=note[:500],
        decided_by=staff,
    )


def return_refund(
    *, return_request: ReturnRequest, amount: Decimal | None = None, restock: bool = False
) -> ReturnRequest:
    """On receipt, the vendor refunds the returned lines (their value by default, or a smaller
    amount: a damaged item) and may put them back on the shelf."""
    order = Order.objects.get(pk=return_request.order_id)
    with transaction.atomic():
        payment = payment_lock(payment_id=_captured_payment(order).pk)
        request = _locked(return_request)
        lines = dict(request.lines.values_list("order_line_id", "quantity"))
        prices = dict(OrderLine.objects.filter(pk__in=list(lines)).values_list("pk", "unit_price"))
        value = money(sum((prices[pk] * qty for pk, qty in lines.items()), ZERO))
        amount = value if amount is None else money(amount)
        if amount <= ZERO or amount > value:
            raise ValidationFailed(details={"amount": [errors.AMOUNT_RANGE.format(value=value)]})
        RETURNS.move(request, Status.REFUNDED, refunded_at=timezone.now(), restocked=restock)
        vo = VendorOrder.objects.select_for_update().get(pk=request.vendor_order_id)
        refund = _refund(payment=payment, vo=vo, amount=amount, reason=f"return {request.pk}", lines=lines)
        ReturnRequest.objects.filter(pk=request.pk).update(refund=refund)
        request.refund = refund
        if restock:
            restock_lines(lines)
        notifications.return_refunded(return_request=request, amount=amount)
    return request
