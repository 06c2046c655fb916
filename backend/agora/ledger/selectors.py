"""Ledger reads, scoped to one vendor. Balances are sums of entries, never stored numbers."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from agora.core.money import ZERO, default_currency
from agora.ledger.errors import EntryNotFound, StatementNotFound
from agora.ledger.models import LedgerEntry
from agora.vendors.models import Vendor

Type = LedgerEntry.Type
PAID_OUT_TYPES = (Type.PAYOUT, Type.PAYOUT_REVERSAL)
# A payout's entry is written with the payout, before its transfer is made: while the payout is
# pending (payouts.Payout.Status.PENDING; the ledger sits below payouts and imports none of it)
# the money is on its way, not paid out. A refused or reversed transfer is booked back as
# payout_reversal entries of the same payout, so its entries net to what was transferred.
IN_TRANSIT = Q(type__in=PAID_OUT_TYPES, payout__status="pending")
PAID_OUT = Q(type__in=PAID_OUT_TYPES) & ~Q(payout__status="pending")
SALES_TYPES = (Type.SALE, Type.SHIPPING_SHARE)


@dataclass(frozen=True)
class Balance:
    """One currency of a vendor's balance. ``pending + available`` is the sum of every entry:
    pending is what is still held (available later), available is what may be paid out now
    (payouts already taken off; negative when refunds after a payout exceed new sales: carried
    into the next payout), paid_out is what was transferred (net of reversals), in_transit what
    payouts not transferred yet carry (taken off available already)."""

    currency: str
    pending: Decimal
    available: Decimal
    paid_out: Decimal
    in_transit: Decimal

    @property
    def total(self) -> Decimal:
        return self.pending + self.available


def vendor_balances(*, vendor: Vendor, now: datetime | None = None) -> list[Balance]:
    """Per currency, in one query; the marketplace currency is always there (zeros before any sale)."""
    now = now or timezone.now()
    rows = (
        LedgerEntry.objects.filter(vendor=vendor)
        .values("currency")
        .annotate(
            pending=Sum("amount", filter=Q(available_at__gt=now)),
            available=Sum("amount", filter=Q(available_at__lte=now)),
            paid=Sum("amount", filter=PAID_OUT),
            in_transit=Sum("amount", filter=IN_TRANSIT),
        )
        .order_by("currency")
    )
    balances = {
        r["currency"]: Balance(
            r["currency"],
            r["pending"] or ZERO,
            r["available"] or ZERO,
            -(r["paid"] or ZERO),
            -(r["in_transit"] or ZERO),
        )
        for r in rows
    }
    balances.setdefault(default_currency(), Balance(default_currency(), ZERO, ZERO, ZERO, ZERO))
    return sorted(balances.values(), key=lambda b: (b.currency != default_currency(), b.currency))


def vendor_entry_list(
    *,
    vendor: Vendor,
    types: list[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    currency: str | None = None,
) -> QuerySet[LedgerEntry]:
    """The vendor's entries, newest first, filtered by type and booking date (inclusive)."""
    qs = LedgerEntry.objects.filter(vendor=vendor).select_related("order", "vendor_order", "payout")
    if types:
        qs = qs.filter(type__in=types)
    if date_from:
        qs = qs.filter(created_at__gte=_start_of(date_from))
    if date_to and date_to < date.max:  # the last day there is bounds nothing
        qs = qs.filter(created_at__lt=_start_of(date_to + timedelta(days=1)))
    if currency:
        qs = qs.filter(currency=currency.upper())
    return qs.order_by("-created_at", "-id")


def vendor_entry_get(*, vendor: Vendor, pk: int) -> LedgerEntry:
    entry = vendor_entry_list(vendor=vendor).filter(pk=pk).first()
    if entry is None:
        raise EntryNotFound()
    return entry


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class DailyPoint:
    date: date
    sales: Decimal
    payouts: Decimal


def vendor_daily_series(
    *, vendor: Vendor, days: int = 90, currency: str | None = None, today: date | None = None
) -> list[DailyPoint]:
    """Gross sales (goods + shipping share, by the day they were booked: shipment) and payouts
    (transferred, net of reversals, by the day they were made) for each of the last ``days`` days, oldest first,
    zeros included, in one query."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        LedgerEntry.objects.filter(
            vendor=vendor,
            currency=(currency or default_currency()).upper(),
            created_at__gte=_start_of(first),
            created_at__lt=_start_of(today + timedelta(days=1)),
        )
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            sales=Sum("amount", filter=Q(type__in=SALES_TYPES)),
            paid=Sum("amount", filter=PAID_OUT),
        )
    )
    by_day: dict[date, dict[str, Any]] = {r["day"]: dict(r) for r in rows}
    points = []
    for i in range(days):
        day = first + timedelta(days=i)
        row: dict[str, Any] = by_day.get(day, {})
        points.append(DailyPoint(day, row.get("sales") or ZERO, -(row.get("paid") or ZERO)))
    return points


# --- monthly statements -------------------------------------------------------------------------


@dataclass
class StatementCurrency:
    currency: str
    opening_balance: Decimal = ZERO
    closing_balance: Decimal = ZERO
    totals: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Statement:
    vendor: Vendor
    month: date  # the first day
    currencies: list[StatementCurrency]
    entries: list[LedgerEntry]

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")


def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return _start_of(first), _start_of(following)


def vendor_statement(*, vendor: Vendor, month: date) -> Statement:
    """Everything booked in one calendar month: per currency the balance before it (opening), the
    totals by type and the balance after it (closing = opening + the month's entries), and the
    entries themselves, oldest first. 404 for a month that has not started yet."""
    if month.replace(day=1) > timezone.localdate():  # before its bounds: December 9999 has no end
        raise StatementNotFound()
    start, end = month_bounds(month)
    if start > timezone.now():
        raise StatementNotFound()
    opening = dict(
        LedgerEntry.objects.filter(vendor=vendor, created_at__lt=start)
        .values("currency")
        .annotate(s=Sum("amount"))
        .values_list("currency", "s")
        .order_by()
    )
    entries = list(
        LedgerEntry.objects.filter(vendor=vendor, created_at__gte=start, created_at__lt=end)
        .select_related("order", "vendor_order", "payout")
        .order_by("created_at", "id")
    )
    per: dict[str, StatementCurrency] = {}
    for cur in sorted({*opening, *(e.currency for e in entries)} or {default_currency()}):
        per[cur] = StatementCurrency(cur, opening.get(cur) or ZERO)
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for e in entries:
        totals[e.currency][e.type] += e.amount
    for cur, sc in per.items():
        sc.totals = {t: totals[cur][t] for t in Type.values if t in totals[cur]}
        sc.closing_balance = sc.opening_balance + sum(sc.totals.values(), ZERO)
    return Statement(vendor=vendor, month=start.date(), currencies=list(per.values()), entries=entries)


def vendor_statement_months(*, vendor: Vendor) -> list[dict[str, Any]]:
    """Months with entries, newest first, with how many."""
    rows = (
        LedgerEntry.objects.filter(vendor=vendor)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    months: dict[date, int] = defaultdict(int)
    for r in rows:
        months[r["day"].replace(day=1)] += r["n"]
    return [{"month": m, "entries": n} for m, n in sorted(months.items(), reverse=True)]
