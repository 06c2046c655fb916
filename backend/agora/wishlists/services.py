"""Wishlist writes: save a variant (or a product's default variant), remove it, move it to the
cart, and merge a guest's hearts at sign-in."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When

from agora.accounts.models import User
from agora.carts.selectors import cart_for_user
from agora.carts.services import cart_add_item
from agora.catalog.models import Product, Variant
from agora.vendors.models import Vendor
from agora.wishlists import errors
from agora.wishlists.models import WishlistItem


@dataclass(frozen=True)
class Heart:
    """What a shopper hearted: a variant, or a product (its default variant is saved)."""

    variant_id: int | None = None
    product: str | None = None


def _saveable() -> QuerySet[Variant]:
    return Variant.objects.filter(
        is_active=True, product__status=Product.Status.APPROVED, vendor__status=Vendor.Status.APPROVED
    )


def resolve_variant(heart: Heart) -> Variant:
    """The variant a heart means: the variant itself, or the product's default one (the first in
    stock, else the first), as the product page preselects it. Unknown or unsold: 404."""
    qs = _saveable()
    if heart.variant_id is not None:
        variant = qs.filter(pk=heart.variant_id).first()
    elif heart.product:
        in_stock_first = Case(When(stock__gt=0, then=Value(0)), default=Value(1), output_field=IntegerField())
        variant = qs.filter(product__slug=heart.product).order_by(in_stock_first, "position", "id").first()
    else:
        raise errors.NeedVariantOrProduct()
    if variant is None:
        raise errors.NotSaveable()
    return variant


def _add(user: User, variant: Variant) -> tuple[WishlistItem, bool]:
    """The row for this variant (created when missing). The caller holds the user's row lock, so
    the limit is checked against a count no concurrent add can change."""
    existing = WishlistItem.objects.filter(user=user, variant=variant).first()
    if existing is not None:
        return existing, False
    if WishlistItem.objects.filter(user=user).count() >= settings.WISHLIST_MAX_ITEMS:
        raise errors.WishlistFull(
            errors.FULL.format(limit=settings.WISHLIST_MAX_ITEMS), details={"limit": settings.WISHLIST_MAX_ITEMS}
        )
    try:
        with transaction.atomic():
            return WishlistItem.objects.create(user=user, variant=variant), True
    except IntegrityError:  # saved meanwhile (another tab)
        return WishlistItem.objects.get(user=user, variant=variant), False


def _lock_user(user: User) -> None:
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def wishlist_add(*, user: User, heart: Heart) -> tuple[WishlistItem, bool]:
    """Saves a variant; saving it again changes nothing. Returns the item and whether it is new.
    409 ``wishlist_full`` past WISHLIST_MAX_ITEMS."""
    variant = resolve_variant(heart)
    with transaction.atomic():
        _lock_user(user)
        return _add(user, variant)


def wishlist_remove(*, user: User, item_id: int) -> None:
    deleted, _ = WishlistItem.objects.filter(user=user, pk=item_id).delete()
    if not deleted:
        raise errors.WishlistItemNotFound()


def wishlist_merge(*, user: User, hearts: Sequence[Heart]) -> int:
    """A guest's hearts, into the account at sign-in: each one the account does not hold yet is
    saved; unknown or unsold ones are skipped, and so is whatever does not fit under the limit.
    Returns how many were added."""
    added = 0
    with transaction.atomic():
        _lock_user(user)
        for heart in hearts:
            try:
                variant = resolve_variant(heart)
                _, new = _add(user, variant)
            except (errors.NotSaveable, errors.NeedVariantOrProduct):
                continue
            except errors.WishlistFull:
                break
            added += int(new)
    return added


def wishlist_move_to_cart(*, user: User, item_id: int, quantity: int = 1) -> None:
    """Puts the saved variant in the user's cart and takes it off the wishlist, both or neither
    (out of stock: 409 ``insufficient_stock`` and the heart stays)."""
    with transaction.atomic():
        item = WishlistItem.objects.select_for_update().filter(user=user, pk=item_id).first()
        if item is None:
            raise errors.WishlistItemNotFound()
        cart_add_item(cart=cart_for_user(user), variant_id=item.variant_id, quantity=quantity)
        item.delete()
