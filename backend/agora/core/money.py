"""Money: Decimal amounts with two places, rounded half up to cents, in one currency.

``money()`` is the one rounding rule (amounts computed anywhere go through it);
``money_text()`` is how an amount is written in API answers ("19.99"). Every currency Agora
supports has two decimal places, which ``to_minor_units`` relies on for payment providers.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """An amount rounded half-up to cents."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


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
