"""Money: Decimal amounts with two places, rounded half up to cents, in one currency.

``money()`` is the one rounding rule (amounts computed anywhere go through it); ``allocate()``
splits an amount pro rata into cents that add up to it;
``money_text()`` is how an amount is written in API answers ("19.99"). Every currency Agora
supports has two decimal places, which ``to_minor_units`` relies on for payment providers.
"""

from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.conf import settings

K = TypeVar("K", bound=Hashable)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """An amount rounded half-up to cents."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(amount: Decimal, weights: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """``amount`` split over ``weights`` pro rata, in whole cents that add up to ``amount``
    exactly (largest remainder): each share is its exact part rounded down, and the cents still
    missing go one each to the largest remainders (a tie to the later key, in the mapping's
    order; a negative ``amount`` is split as its opposite). With ``amount`` at most the sum of
    the weights no share exceeds its weight; a weight of zero or less gets nothing. All zero
    when no weight is positive."""
    cents = {key: max(int(money(weight) * 100), 0) for key, weight in weights.items()}
    whole = sum(cents.values())
    if whole == 0:
        return dict.fromkeys(weights, ZERO)
    if amount < ZERO:
        return {key: -share for key, share in allocate(-amount, weights).items()}
    to_spread = int(money(amount) * 100)
    parts = {key: divmod(to_spread * c, whole) for key, c in cents.items()}
    order = list(cents)
    short = to_spread - sum(q for q, _ in parts.values())
    by_remainder = sorted(range(len(order)), key=lambda i: (parts[order[i]][1], i), reverse=True)
    extra = {order[i] for i in by_remainder[:short]}
    return {key: money(Decimal(q + (key in extra)) / 100) for key, (q, _) in parts.items()}


def money_text(value: Decimal | None) -> str | None:
    """An amount as the API writes it: a decimal string with two places, or None."""
    return None if value is None else f"{value:.2f}"


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return money(unit_price * quantity)


def to_minor_units(amount: Decimal) -> int:
    """Cents for payment providers."""
    return int(money(amount) * 100)


def from_minor_units(cents: int) -> Decimal:
    """A provider's integer cents as an amount."""
    return money(Decimal(cents) / 100)


def default_currency() -> str:
    return str(settings.AGORA_CURRENCY)
