"""Shipping errors and the messages tests check."""

from agora.core.errors import NotFound, ValidationFailed

CHOOSE_METHOD = "Choose a shipping method for this vendor."
NOT_OFFERED = "This vendor does not offer this shipping method."
CANNOT_SHIP = "This vendor does not ship to this country."
PRICE_CHANGED = "Shipping with {method} now costs {amount} (you were shown {shown})."


class UnknownShippingMethod(ValidationFailed):
    message = "Unknown or unavailable shipping method."
    field = "shipping_method"


class ShippingMethodNotFound(NotFound):
    message = "Shipping method not found."


class ShippingUnavailable(ValidationFailed):
    """Some vendors in the cart cannot ship the way asked: ``details`` names them (and the
    cart lines concerned, when the country is the problem)."""

    message = "Some items cannot be shipped the way you chose."


class ShippingPriceChanged(ValidationFailed):
    """A vendor's parcel would cost something else than the price the caller was shown (the vendor
    changed its method or its free-shipping threshold since): ``details`` names the vendors, each
    with its price now. Nothing was placed."""

    message = "Shipping changed since you saw it. Check the new price and place the order again."
