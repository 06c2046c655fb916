"""Order totals: the one place an order's amounts are computed (agora.core.money rounds them)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from agora.core.money import ZERO, line_total, money

HUNDRED = Decimal("100")


def commission(subtotal: Decimal, rate_percent: Decimal) -> Decimal:
    return money(subtotal * Decimal(rate_percent) / HUNDRED)


def commission_back(
    *, commission: Decimal, subtotal: Decimal, shipping: Decimal, commission_on_shipping: bool, refunded: Decimal
) -> Decimal:
    """The share of a sub-order's ``commission`` owed back to its vendor once ``refunded`` of it
    went back in total: pro rata to what that covers of the base the commission was charged on
    (the goods ``subtotal``, plus the ``shipping`` when ``commission_on_shipping``), and all of it
    once that base is refunded in full. The ledger books it (agora.ledger.services); what a
    vendor keeps of a sub-order is ``commission`` less this."""
    base = subtotal + shipping if commission_on_shipping else subtotal
    if base <= ZERO or commission == ZERO:
        return ZERO
    if refunded >= base:
        return commission
    return money(commission * refunded / base)


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
    shipping: Decimal = Decimal("0.00")
    # Whether the marketplace's commission also applies to this vendor's shipping
    # (COMMISSION_ON_SHIPPING): the one rule about shipping and commission.
    commission_on_shipping: bool = False

    @property
    def commission(self) -> Decimal:
        base = self.subtotal + self.shipping if self.commission_on_shipping else self.subtotal
        return commission(base, self.commission_rate)

    @property
    def total(self) -> Decimal:
        return money(self.subtotal + self.shipping)


@dataclass
class OrderTotals:
    currency: str
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    vendors: dict[int, VendorTotals] = field(default_factory=dict)


def order_totals(
    *,
    lines: Iterable[PricedLine],
    shipping: Mapping[int, Decimal],
    currency: str,
    commission_rates: Mapping[int, Decimal],
    commission_on_shipping: bool = False,
) -> OrderTotals:
    """Subtotal, shipping, total and each vendor's subtotal, shipping and commission, from priced
    lines and each vendor's shipping (its parcel's price)."""
    vendors: dict[int, VendorTotals] = {}
    subtotal = Decimal("0.00")
    for line in lines:
        vt = vendors.setdefault(
            line.vendor_id,
            VendorTotals(
                line.vendor_id, commission_rates[line.vendor_id], commission_on_shipping=commission_on_shipping
            ),
        )
        vt.subtotal = money(vt.subtotal + line.total)
        subtotal = money(subtotal + line.total)
    for vendor_id, vt in vendors.items():
        vt.shipping = money(shipping.get(vendor_id, Decimal("0.00")))
    shipping_total = money(sum((vt.shipping for vt in vendors.values()), Decimal("0.00")))
    return OrderTotals(
        currency=currency,
        subtotal=subtotal,
        shipping=shipping_total,
        total=money(subtotal + shipping_total),
        vendors=vendors,
    )
