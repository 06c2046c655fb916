"""What the wishlists app holds about a person, for data exports and account deletion."""

from agora.core.privacy import register
from agora.wishlists.models import WishlistItem


def wishlist_personal_data(user) -> list[dict]:
    return [
        {"product": item.variant.product.name, "sku": item.variant.sku, "added_at": item.created_at.isoformat()}
        for item in WishlistItem.objects.filter(user=user).select_related("variant__product").order_by("pk")
    ]


def _erase(user, replacement_email: str) -> None:
    WishlistItem.objects.filter(user=user).delete()


register("wishlist", export=wishlist_personal_data, erase=_erase)
