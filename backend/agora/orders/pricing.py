"""Order totals: the one place an order's amounts are computed (agora.core.money rounds them)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from agora.core.money import line_total, money

HUNDRED = Decimal("100")


def commission(subtotal: Decimal, rate_percent: Decimal) -> Decimal:
    return money(subtotal * Decimal(rate_percent) / HUNDRED)


@dataclass(frozen=True)
class PricedLine:
    variant_id: int
    vendor_id: int
    unit_price: Decimal
    quantity: int

    @property
    def total(self) -> Decimal:
        return line_total(self.unit_price, self.quantity)


@dataclass
class VendorTotals:
    vendor_id: int
    commission_rate: Decimal
    subtotal: Decimal = Decimal("0.00")

    @property
    def commission(self) -> Decimal:
        return commission(self.subtotal, self.commission_rate)


@dataclass
class OrderTotals:
    currency: str
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    vendors: dict[int, VendorTotals] = field(default_factory=dict)


def order_totals(
    *, lines: Iterable[PricedLine], shipping: Decimal, currency: str, commission_rates: dict[int, Decimal]
) -> OrderTotals:
    """Subtotal, shipping, total and each vendor's subtotal and commission, from priced lines."""
    vendors: dict[int, VendorTotals] = {}
    subtotal = Decimal("0.00")
    for line in lines:
        vt = vendors.setdefault(line.vendor_id, VendorTotals(line.vendor_id, commission_rates[line.vendor_id]))
        vt.subtotal = money(vt.subtotal + line.total)
        subtotal = money(subtotal + line.total)
    shipping = money(shipping)
    return OrderTotals(
        currency=currency, subtotal=subtotal, shipping=shipping, total=money(subtotal + shipping), vendors=vendors
    )
