from agora.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from agora.orders.models import ORDER_AMOUNT_MAX
from agora.shipping.errors import UnknownShippingMethod

__all__ = ["UnknownShippingMethod"]  # re-exported: checkout raises it for v1's shipping_method

IDEMPOTENCY_HEADER = "Idempotency-Key"


class IdempotencyKeyMissing(ValidationFailed):
    message = "The Idempotency-Key header is required (a unique value per checkout attempt, at most 255 characters)."
    field = IDEMPOTENCY_HEADER


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used with a different request body."


class IdempotencyKeyInProgress(Conflict):
    message = "A request with this Idempotency-Key is still being processed. Retry in a moment with the same key."

    def __init__(self):
        # `in_progress` tells a client to retry with the same key (a new key could place a second order).
        super().__init__(details={"idempotency_key": "in_progress", "retry_after": 1})


class TooManyUnpaidOrders(Conflict):
    code = "too_many_unpaid_orders"
    message = "You already have orders waiting for payment. Pay for one or cancel it before placing another."


class EmptyCart(ValidationFailed):
    message = "Your cart is empty."
    field = "cart"


class EmailRequired(ValidationFailed):
    message = "An email address is required to check out as a guest."
    field = "email"


class ShippingMethodRequired(ValidationFailed):
    message = "Choose a shipping method: `shipping_method` for every vendor, or `shipping_methods` per vendor."
    field = "shipping_method"


class PaymentMethodUnavailable(ValidationFailed):
    message = "This payment method is not available."
    field = "payment_method"


class MixedCurrencies(ValidationFailed):
    message = "Items in different currencies cannot be checked out together."
    field = "cart"


class OrderTooLarge(DomainError):
    status_code = 400
    code = "order_too_large"
    message = (
        f"This order is too large: an order's total can be at most {ORDER_AMOUNT_MAX:,} in its currency. "
        "Nothing was reserved or charged; split it into smaller orders."
    )


class PaymentDeclined(DomainError):
    status_code = 402
    code = "payment_declined"
    message = "The payment was declined. Nothing was charged; your cart is unchanged."


class OrderNotFound(NotFound):
    message = "Order not found."


class VendorOrderNotFound(NotFound):
    message = "Sub-order not found."


class InvalidOrderTransition(Conflict):
    message = "The order cannot change to that status from its current one."


class OrderNotCancellable(Conflict):
    message = "This order can no longer be cancelled (it has shipped, or it is already closed)."


class VendorOrderNotShippable(Conflict):
    message = "Only confirmed sub-orders that have not shipped yet can be marked shipped."
