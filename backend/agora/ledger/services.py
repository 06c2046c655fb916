"""Ledger writes. Every function books what happened as new entries, keyed per source event, so
running it again (a re-delivered event, a retried task) books nothing twice.

Lock order (the one of the money paths): payment, then order, then its sub-orders. Booking a
sub-order locks its row, so a shipment and a refund of the same sub-order never book past
each other: whichever commits second sees the other's rows.
"""

import logging
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from agora.core.money import ZERO, allocate, money
from agora.ledger.errors import AdjustmentInvalid
from agora.ledger.models import LedgerEntry
from agora.orders.models import Order, VendorOrder
from agora.orders.pricing import commission_back
from agora.payments.models import Refund
from agora.vendors.models import Vendor

logger = logging.getLogger("agora.ledger")
Type = LedgerEntry.Type


def _post(entries: list[LedgerEntry]) -> None:
    """Inserts entries whose key is new; an existing key means it was booked already."""
    entries = [e for e in entries if e.amount != ZERO]
    if entries:
        LedgerEntry.objects.bulk_create(entries, ignore_conflicts=True)


def hold_until(shipped_at: datetime) -> datetime:
    return shipped_at + timedelta(days=settings.LEDGER_HOLD_DAYS)


# --- sales ---------------------------------------------------------------------------------------


def sale_book(*, vendor_order_id: int) -> None:
    """A sub-order shipped: its goods (+), the commission (-) and its shipping share (+), held
    until shipment + LEDGER_HOLD_DAYS; then every refund of the order made before it shipped."""
    vo = VendorOrder.objects.select_for_update().select_related("order").get(pk=vendor_order_id)
    if vo.status != VendorOrder.Status.SHIPPED or vo.shipped_at is None:
        return
    common = {"vendor_id": vo.vendor_id, "currency": vo.currency, "order_id": vo.order_id, "vendor_order": vo}
    available_at = hold_until(vo.shipped_at)
    _post(
        [
            LedgerEntry(
                type=Type.SALE, amount=vo.subtotal, key=f"sale:vo:{vo.pk}", available_at=available_at, **common
            ),
            LedgerEntry(
                type=Type.COMMISSION,
                amount=-vo.commission,
                key=f"commission:vo:{vo.pk}",
                available_at=available_at,
                **common,
            ),
            LedgerEntry(
                type=Type.SHIPPING_SHARE,
                amount=vo.shipping_total,
                key=f"shipping:vo:{vo.pk}",
                available_at=available_at,
                **common,
            ),
        ]
    )
    for refund in Refund.objects.filter(payment__order_id=vo.order_id).order_by("pk"):
        _refund_sync(vo, refund)


# --- refunds -------------------------------------------------------------------------------------


def refund_shares(refund: Refund, order: Order, vendor_orders: list[VendorOrder]) -> dict[int, Decimal]:
    """How much of a refund each sub-order bears. A refund for one sub-order is all its own. One
    for the whole order (a cancellation, the rest refunded by staff, a refund made in the
    provider's dashboard) is spread pro rata to what each sub-order has left — its goods and
    shipping share less the refunds before this one (its own, and its shares of earlier
    whole-order ones) — over what the order has left: a sub-order refunded already bears no more
    of it. When the order also carries shipping the platform charged, the platform bears that
    part. The shares are whole cents that add up to the refund (the platform's part aside), and
    none is more than that sub-order has left (largest remainder: the cents rounding leaves over
    go to the largest fractions, a tie to the later sub-order). Refunds that failed or were
    cancelled count for nothing; the same refunds give the same shares however often this runs
    (a shipment books them again)."""
    if refund.vendor_order_id is not None:
        return {refund.vendor_order_id: refund.amount}
    if order.total <= ZERO or not vendor_orders:
        return {}
    left = {vo.pk: vo.subtotal + vo.shipping_total for vo in sorted(vendor_orders, key=lambda v: v.pk)}
    order_left = order.total
    if refund.pk is not None:
        earlier = (
            Refund.objects.filter(payment__order_id=order.pk, pk__lt=refund.pk)
            .exclude(status__in=(Refund.Status.FAILED, Refund.Status.CANCELED))
            .order_by("pk")
            .values_list("vendor_order_id", "amount")
        )
        for vendor_order_id, amount in earlier:
            shares = {vendor_order_id: amount} if vendor_order_id is not None else _spread(amount, left, order_left)
            for pk, share in shares.items():
                if pk in left:
                    left[pk] -= share
            order_left -= amount
    return _spread(refund.amount, left, order_left)


# The key the platform's part of a whole-order refund is spread under (no sub-order has pk 0).
_PLATFORM = 0


def _spread(amount: Decimal, left: dict[int, Decimal], order_left: Decimal) -> dict[int, Decimal]:
    """``amount`` over the sub-orders pro rata to what each has ``left`` of the ``order_left``,
    in cents that add up to it exactly (largest remainder, agora.core.money.allocate): none
    bears less than nothing or more than it has left. What the order has left beyond its
    sub-orders' (shipping the platform charged) takes its part of the refund as the platform's."""
    if order_left <= ZERO:
        return {}
    bases = {pk: max(value, ZERO) for pk, value in sorted(left.items())}
    weights = {_PLATFORM: order_left - sum(bases.values(), ZERO), **bases}
    shares = allocate(min(amount, max(order_left, sum(bases.values(), ZERO))), weights)
    shares.pop(_PLATFORM)
    return shares


def _booked(vo: VendorOrder, **filters: object) -> Decimal:
    total = LedgerEntry.objects.filter(vendor_order=vo, **filters).aggregate(s=Sum("amount"))["s"]
    return total if total is not None else ZERO


def _commission_back(vo: VendorOrder, refunded: Decimal) -> Decimal:
    """The commission owed back to the vendor when ``refunded`` of the sub-order went back in
    total: pro rata to what it covers of the base the commission was charged on — the goods, plus
    the shipping share when the sub-order was placed with COMMISSION_ON_SHIPPING — and all of it
    once that base is refunded in full, so a full refund nets to zero. A refund is taken from the
    goods first, then the shipping share (refund_shares spreads whole-order refunds over both):
    without commission on shipping, the goods refunded in full give all of it back; with it, the
    shipping the vendor keeps keeps its commission."""
    return commission_back(
        commission=vo.commission,
        subtotal=vo.subtotal,
        shipping=vo.shipping_total,
        commission_on_shipping=vo.commission_on_shipping,
        refunded=refunded,
    )


def _refund_sync(vo: VendorOrder, refund: Refund, share: Decimal | None = None) -> None:
    """Brings the sub-order's entries for one refund to what the refund is now: booked (-share,
    + its commission share) while it succeeded, given back when it failed after all. State-based,
    so it can run any number of times, from the shipment or from the refund's event."""
    if vo.status != VendorOrder.Status.SHIPPED:
        return
    if share is None:
        share = refund_shares(refund, vo.order, list(vo.order.vendor_orders.all())).get(vo.pk, ZERO)
    if share <= ZERO:
        return
    booked = _booked(vo, refund=refund, type=Type.REFUND)
    want = -share if refund.status == Refund.Status.SUCCEEDED else ZERO
    delta = want - booked
    if delta == ZERO:
        return
    n = LedgerEntry.objects.filter(vendor_order=vo, refund=refund, type=Type.REFUND).count() + 1
    suffix = "" if n == 1 else f"#{n}"
    refunded_before = -_booked(vo, type=Type.REFUND)
    commission_before = _booked(vo, type=Type.REFUND_COMMISSION)
    commission_delta = _commission_back(vo, refunded_before - delta) - commission_before
    now = timezone.now()
    common = {
        "vendor_id": vo.vendor_id,
        "currency": vo.currency,
        "order_id": vo.order_id,
        "vendor_order": vo,
        "refund": refund,
        "available_at": now,
        "reason": "" if delta < ZERO else "the refund failed at the provider: the money stays",
    }
    _post(
        [
            LedgerEntry(type=Type.REFUND, amount=delta, key=f"refund:{refund.pk}:vo:{vo.pk}{suffix}", **common),
            LedgerEntry(
                type=Type.REFUND_COMMISSION,
                amount=commission_delta,
                key=f"refund_commission:{refund.pk}:vo:{vo.pk}{suffix}",
                **common,
            ),
        ]
    )


def refund_book(*, refund_id: int, order_id: int) -> None:
    """A refund succeeded (or a succeeded one failed): books it on each shipped sub-order it
    falls on; sub-orders that ship later book it when they ship, cancelled ones never."""
    order = Order.objects.select_for_update().get(pk=order_id)
    vendor_orders = list(VendorOrder.objects.select_for_update().filter(order=order).order_by("pk"))
    refund = Refund.objects.get(pk=refund_id)
    shares = refund_shares(refund, order, vendor_orders)
    for vo in vendor_orders:
        vo.order = order
        if vo.pk in shares:
            _refund_sync(vo, refund, shares[vo.pk])


# --- adjustments and payouts -------------------------------------------------------------------


def adjustment_post(*, vendor: Vendor, amount: Decimal, currency: str, reason: str, created_by_id: int) -> LedgerEntry:
    """A staff correction (+ owed to the vendor, - owed by it), available at once. The reason and
    the author are kept with the entry: this is the audit trail."""
    reason = (reason or "").strip()
    currency = (currency or "").strip().upper()
    if not reason or amount == ZERO or len(currency) != 3 or not currency.isalpha():
        raise AdjustmentInvalid()
    with transaction.atomic():
        return LedgerEntry.objects.create(
            vendor=vendor,
            type=Type.ADJUSTMENT,
            amount=money(amount),
            currency=currency,
            available_at=timezone.now(),
            key=f"adjustment:{uuid.uuid4().hex}",
            reason=reason[:500],
            created_by_id=created_by_id,
        )


def payout_post(*, vendor_id: int, payout_id: int, amount: Decimal, currency: str, at: datetime) -> LedgerEntry:
    """The payout of ``amount`` (positive) to the vendor: a - entry, in the payout's transaction."""
    return LedgerEntry.objects.create(
        vendor_id=vendor_id,
        type=Type.PAYOUT,
        amount=-amount,
        currency=currency,
        payout_id=payout_id,
        available_at=at,
        key=f"payout:{payout_id}",
    )


def payout_reversal_post(*, vendor_id: int, payout_id: int, amount: Decimal, currency: str, reason: str) -> bool:
    """Gives a failed or reversed transfer's ``amount`` (positive, the newly reversed part) back to
    the vendor's balance, once per reversed total; the next payout pays it again."""
    if amount <= ZERO:
        return False
    n = LedgerEntry.objects.filter(payout_id=payout_id, type=Type.PAYOUT_REVERSAL).count() + 1
    _post(
        [
            LedgerEntry(
                vendor_id=vendor_id,
                type=Type.PAYOUT_REVERSAL,
                amount=amount,
                currency=currency,
                payout_id=payout_id,
                available_at=timezone.now(),
                key=f"payout_reversal:{payout_id}" + ("" if n == 1 else f"#{n}"),
                reason=reason[:500],
            )
        ]
    )
    return True
