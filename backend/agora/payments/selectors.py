"""Payment reads."""

from dataclasses import dataclass

from django.conf import settings

NAMES = {"stripe": "Card", "dummy": "Test payment"}


@dataclass(frozen=True)
class PaymentMethod:
    code: str
    name: str
    test: bool
    publishable_key: str | None = None


def payment_method_list() -> list[PaymentMethod]:
    """The methods checkout accepts (PAYMENT_METHODS), in that order, with what the storefront
    needs to offer each: Stripe's publishable key for Stripe.js."""
    methods = []
    for code in settings.PAYMENT_METHODS:
        methods.append(
            PaymentMethod(
                code=code,
                name=NAMES.get(code, code),
                test=code == "dummy",
                publishable_key=(settings.STRIPE_PUBLISHABLE_KEY or None) if code == "stripe" else None,
            )
        )
    return methods
