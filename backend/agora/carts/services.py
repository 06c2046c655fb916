"""Cart writes: lines, quantities, merge and guest-cart expiry."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from agora.accounts.models import User
from agora.carts.errors import (
    MAX_QUANTITY,
    CartItemNotFound,
    CartNotFound,
    InsufficientStock,
    QuantityTooLarge,
    VariantUnavailable,
)
from agora.carts.models import Cart, CartItem
from agora.carts.selectors import cart_lines_with, variant_is_purchasable
from agora.catalog.models import Variant


def cart_create(*, user: User | AnonymousUser | None = None) -> Cart:
    """A new guest cart, or the signed-in user's own cart (created on first use)."""
    if user is not None and user.is_authenticated:
        cart, _ = Cart.objects.get_or_create(user=user)
        return cart
    return Cart.objects.create()


def _check_quantity(variant: Variant, quantity: int) -> None:
    if quantity > MAX_QUANTITY:
        raise QuantityTooLarge()
    if quantity > variant.stock:
        raise InsufficientStock(variant_id=variant.pk, available=variant.stock)


def _touch(cart: Cart) -> datetime:
    now = timezone.now()
    Cart.objects.filter(pk=cart.pk).update(updated_at=now)
    return now


def _upsert_line(
    *, cart_id: int, variant_id: int, quantity: int, price: Decimal, limit: int
) -> tuple[int | None, int, datetime]:
    """Adds ``quantity`` to the cart's line for the variant (a new line, or the existing one grown
    in place, so adds at the same moment each count, up to ``limit``) and touches the cart, in one
    fixed statement. Returns the line's id (None if growing it would pass ``limit``: nothing
    written), its quantity now and the time written. (The ORM's upsert and update, built and
    compiled per request, were a quarter of an add to cart's CPU; issue #18.)

    The cart row is updated first and the line written from its result, so the statement locks
    the cart before the line, in the order checkout and a cart merge take them: an add racing a
    checkout of its cart waits for it rather than deadlocking."""
    now = timezone.now()
    items = CartItem._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH touched AS (UPDATE {Cart._meta.db_table} SET updated_at = %s WHERE id = %s RETURNING id), "  # noqa: S608  # nosec B608  # only our table names are interpolated; values are bound
            f"line AS (INSERT INTO {items} (cart_id, variant_id, quantity, unit_price, created_at, updated_at) "
            "SELECT touched.id, %s, %s, %s, %s, %s FROM touched "
            f"ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = {items}.quantity + EXCLUDED.quantity, "
            f"unit_price = EXCLUDED.unit_price, updated_at = EXCLUDED.updated_at "
            f"WHERE {items}.quantity + EXCLUDED.quantity <= %s RETURNING id, quantity) "
            "SELECT line.id, line.quantity FROM touched LEFT JOIN line ON true",
            [now, cart_id, variant_id, quantity, price, now, now, limit],
        )
        row = cursor.fetchone()
    if row is None:  # the cart went (an expired guest cart deleted since it was read)
        raise CartNotFound()
    return (None, 0, now) if row[0] is None else (int(row[0]), int(row[1]), now)


def cart_add_item(*, cart: Cart, variant_id: int, quantity: int) -> list[CartItem]:
    """Adds ``quantity`` of a variant; an existing line for it grows. Refuses more than 99 per
    line (400) or more than the stock (409 insufficient_stock).

    Returns the cart's lines as they stand after the write, built from what the write read: one
    statement reads the added variant and every line of the cart with their variants, products
    and vendors, so the answer needs no second read; one more writes the line and touches the
    cart (3 statements with the cart lookup). Adds of one line at the same moment each count: the
    line grows in the database, which refuses to take it past the limits."""
    lines = cart_lines_with(cart=cart, variant_id=variant_id)
    line = next((item for item in lines if item.variant_id == variant_id), None)
    if line is None or not variant_is_purchasable(line.variant):
        raise VariantUnavailable()
    variant = line.variant
    _check_quantity(variant, line.quantity + quantity)
    limit = min(MAX_QUANTITY, variant.stock)
    line_id, line.quantity, cart.updated_at = _upsert_line(
        cart_id=cart.pk, variant_id=variant.pk, quantity=quantity, price=variant.price, limit=limit
    )
    if line_id is None:  # another add of this line came first; the two would pass the limit
        if limit == MAX_QUANTITY:
            raise QuantityTooLarge()
        raise InsufficientStock(variant_id=variant.pk, available=variant.stock)
    line.pk, line.unit_price = line_id, variant.price
    return sorted(lines, key=lambda item: item.pk)


def cart_set_quantity(*, cart: Cart, item_id: int, quantity: int) -> None:
    item = CartItem.objects.select_related("variant__product", "variant__vendor").filter(cart=cart, pk=item_id).first()
    if item is None:
        raise CartItemNotFound()
    if not variant_is_purchasable(item.variant):
        raise VariantUnavailable()
    _check_quantity(item.variant, quantity)
    CartItem.objects.filter(pk=item.pk).update(
        quantity=quantity, unit_price=item.variant.price, updated_at=timezone.now()
    )
    _touch(cart)


def cart_remove_item(*, cart: Cart, item_id: int) -> None:
    deleted, _ = CartItem.objects.filter(cart=cart, pk=item_id).delete()
    if not deleted:
        raise CartItemNotFound()
    _touch(cart)


@transaction.atomic
def cart_merge(*, user: User, token: str) -> Cart:
    """Moves a guest cart's lines into the user's cart: quantities summed and capped by stock
    (and 99), each line with the price it was added at; lines that cannot be bought are kept,
    flagged. The guest cart is left empty."""
    cart, _ = Cart.objects.get_or_create(user=user)
    if token == cart.token:
        return cart
    # Both carts locked in primary-key order, so two merges can never deadlock.
    locked = Cart.objects.select_for_update().filter(Q(pk=cart.pk) | Q(token=token, user__isnull=True)).order_by("pk")
    guest = next((c for c in locked if c.pk != cart.pk), None)
    if guest is None:
        raise CartNotFound()
    mine = {item.variant_id: item for item in cart.items.all()}
    for item in guest.items.select_related("variant__product", "variant__vendor"):
        variant = item.variant
        wanted = min(item.quantity + (mine[variant.pk].quantity if variant.pk in mine else 0), MAX_QUANTITY)
        if variant_is_purchasable(variant) and variant.stock > 0:
            wanted = min(wanted, variant.stock)
        # Each line keeps the price it was added at: one that changed since shows as changed, and
        # checkout reports it (the guest was shown the old one).
        if variant.pk in mine:
            CartItem.objects.filter(pk=mine[variant.pk].pk).update(quantity=wanted, updated_at=timezone.now())
        else:
            CartItem.objects.create(cart=cart, variant=variant, quantity=wanted, unit_price=item.unit_price)
    guest.items.all().delete()
    _touch(guest)
    _touch(cart)
    return cart


def carts_cleanup(*, now: datetime | None = None) -> int:
    """Deletes guest carts untouched for CART_GUEST_TTL_DAYS. Returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CART_GUEST_TTL_DAYS)
    _, per_model = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
    return per_model.get("carts.Cart", 0)


def cart_clear(*, cart_id: int) -> None:
    CartItem.objects.filter(cart_id=cart_id).delete()


def cart_restore_lines(*, cart_id: int, lines: Iterable[tuple[int, int, Decimal]]) -> None:
    """Puts lines (variant id, quantity, price when added) back into a cart whose checkout failed
    at the payment provider. A line the shopper added again meanwhile is kept as it is now."""
    if not Cart.objects.filter(pk=cart_id).exists():
        return
    CartItem.objects.bulk_create(
        [CartItem(cart_id=cart_id, variant_id=v, quantity=q, unit_price=price) for v, q, price in lines],
        ignore_conflicts=True,
    )
    Cart.objects.filter(pk=cart_id).update(updated_at=timezone.now())
