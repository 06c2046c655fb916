from agora.core.errors import Conflict, NotFound, ValidationFailed

MAX_QUANTITY = 99


class CartNotFound(NotFound):
    message = "Cart not found. Send a valid X-Cart-Token header, or create a cart first."


class CartItemNotFound(NotFound):
    message = "Cart item not found."


class VariantUnavailable(ValidationFailed):
    message = "This product variant does not exist or cannot be bought."
    field = "variant_id"


class QuantityTooLarge(ValidationFailed):
    message = f"A cart line holds at most {MAX_QUANTITY} units."
    field = "quantity"


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    message = "Not enough stock for this variant."

    def __init__(self, *, variant_id: int, available: int):
        super().__init__(details={"variant_id": variant_id, "available": max(int(available), 0)})
