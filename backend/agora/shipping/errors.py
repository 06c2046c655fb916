"""Shipping errors and the messages tests check."""

from agora.core.errors import NotFound, ValidationFailed

CHOOSE_METHOD = "Choose a shipping method for this vendor."
NOT_OFFERED = "This vendor does not offer this shipping method."
CANNOT_SHIP = "This vendor does not ship to this country."


class UnknownShippingMethod(ValidationFailed):
    message = "Unknown or unavailable shipping method."
    field = "shipping_method"


class ShippingMethodNotFound(NotFound):
    message = "Shipping method not found."


class ShippingUnavailable(ValidationFailed):
    """Some vendors in the cart cannot ship the way asked: ``details`` names them (and the
    cart lines concerned, when the country is the problem)."""

    message = "Some items cannot be shipped the way you chose."
