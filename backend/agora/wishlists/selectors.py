"""Wishlist reads: the caller's saved variants with what the list page shows, and the keys the
hearts on cards and product pages check."""

from typing import TypedDict

from django.db.models import QuerySet

from agora.accounts.models import User
from agora.carts.selectors import variant_is_purchasable
from agora.catalog.selectors import NamedRef, VariantView, file_url, first_images
from agora.core.money import money_text
from agora.wishlists.models import WishlistItem


class WishlistProduct(TypedDict):
    slug: str
    name: str
    vendor: NamedRef
    thumbnail: str | None
    rating_average: str | None
    rating_count: int


class WishlistEntry(TypedDict):
    id: int
    added_at: str
    product: WishlistProduct
    variant: VariantView  # the product page's shape
    available: bool
    actions: list[str]


class WishlistKeys(TypedDict):
    variant_ids: list[int]
    products: list[str]


def wishlist_items(*, user: User) -> QuerySet[WishlistItem]:
    return (
        WishlistItem.objects.filter(user=user)
        .select_related("variant__product__vendor", "variant__vendor")
        .order_by("-created_at", "-id")
    )


def wishlist_entries(items: list[WishlistItem]) -> list[WishlistEntry]:
    """A page of items in the API shape: two queries whatever its size (the page, first images).
    A variant that stopped being sold stays, ``available: false``, with only ``remove`` to do."""
    images = first_images([item.variant.product_id for item in items])
    entries: list[WishlistEntry] = []
    for item in items:
        variant = item.variant
        product = variant.product
        image = images.get(product.pk)
        sellable = variant_is_purchasable(variant)
        available = sellable and variant.stock > 0
        entries.append(
            {
                "id": item.pk,
                "added_at": item.created_at.isoformat().replace("+00:00", "Z"),
                "product": {
                    "slug": product.slug,
                    "name": product.name,
                    "vendor": {"slug": product.vendor.slug, "name": product.vendor.name},
                    "thumbnail": file_url(image[1] or image[0]) if image else None,
                    "rating_average": money_text(product.rating_average),
                    "rating_count": product.rating_count,
                },
                "variant": {
                    "id": variant.pk,
                    "sku": variant.sku,
                    "name": variant.name,
                    "price": money_text(variant.price),
                    "currency": variant.currency,
                    "stock_available": max(variant.stock, 0) if sellable else 0,
                },
                "available": available,
                "actions": ["remove", "move_to_cart"] if available else ["remove"],
            }
        )
    return entries


def wishlist_keys(*, user: User) -> WishlistKeys:
    """The saved variant ids and their products' slugs (one query), for the hearts."""
    rows = list(WishlistItem.objects.filter(user=user).values_list("variant_id", "variant__product__slug"))
    return {"variant_ids": sorted({v for v, _ in rows}), "products": sorted({s for _, s in rows})}
