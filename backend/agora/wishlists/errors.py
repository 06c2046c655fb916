"""Wishlist errors and the messages tests check."""

from agora.core.errors import Conflict, NotFound, ValidationFailed

FULL = "Your wishlist is full ({limit} items): remove something first."
NEED_ONE = "Send a variant_id or a product (slug)."


class WishlistItemNotFound(NotFound):
    message = "Wishlist item not found."


class NotSaveable(NotFound):
    message = "This product or variant does not exist or is not sold."


class WishlistFull(Conflict):
    code = "wishlist_full"
    message = "Your wishlist is full."


class NeedVariantOrProduct(ValidationFailed):
    message = NEED_ONE
