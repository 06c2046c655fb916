"""Cart reads: which cart the caller holds, and the cart as the API shows it."""

from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from agora.accounts.models import User
from agora.carts.errors import CartNotFound
from agora.carts.models import Cart, CartItem
from agora.catalog.models import Product, Variant
from agora.core.money import default_currency, line_total, money
from agora.core.prepared import PreparedValues, loaded
from agora.vendors.models import Vendor

PROBLEM_UNAVAILABLE = "unavailable"
PROBLEM_INSUFFICIENT_STOCK = "insufficient_stock"


class CartLineVariant(TypedDict):
    id: int
    sku: str
    name: str
    product_slug: str
    product_name: str


class CartLine(TypedDict):
    """One line of GET /cart/ (CartLineSerializer)."""

    id: int
    variant: CartLineVariant
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    currency: str
    price_when_added: Decimal
    price_changed: bool
    stock_available: int
    available: bool
    problem: str | None


class CartView(TypedDict):
    """The cart as GET /cart/ shows it (CartSerializer)."""

    token: str
    items: list[CartLine]
    subtotal: Decimal
    currency: str
    item_count: int
    has_problems: bool
    updated_at: datetime


def variant_is_purchasable(variant: Variant) -> bool:
    """Active variant of an approved product of an approved vendor (needs product and vendor loaded)."""
    return (
        variant.is_active
        and variant.product.status == Product.Status.APPROVED
        and variant.vendor.status == Vendor.Status.APPROVED
    )


def cart_by_token(token: str | None) -> Cart:
    """A guest cart by its token. A signed-in user's cart is never reachable by token (404)."""
    if not token:
        raise CartNotFound()
    row = _GUEST_CART.first(token=token)
    if row is None:
        raise CartNotFound()
    return loaded(Cart, row)


def _guest_cart_query(token: str) -> QuerySet[Cart, Any]:
    carts: QuerySet[Cart, Any] = (
        Cart.objects.filter(token=token, user__isnull=True)
        .values(*(field.attname for field in Cart._meta.concrete_fields))
        .order_by()[:1]
    )
    return carts


# Every guest cart request starts here: compiled once per thread (docs/adr/0011).
_GUEST_CART = PreparedValues(_guest_cart_query, "token")


def _user_cart_query(user_id: int) -> QuerySet[Cart, Any]:
    carts: QuerySet[Cart, Any] = (
        Cart.objects.filter(user_id=user_id).values(*(field.attname for field in Cart._meta.concrete_fields)).order_by()
    )
    return carts


# And every signed-in one here: building, compiling and loading a get_or_create was 7 % of the web
# workers' CPU in make bench's mix (bench/README.md).
_USER_CART = PreparedValues(_user_cart_query, user_id=int)


def cart_for_user(user: User) -> Cart:
    """The user's own cart, made on their first cart request."""
    row = _USER_CART.first(user_id=user.pk)
    if row is not None:
        return loaded(Cart, row)
    cart, _ = Cart.objects.get_or_create(user=user)  # a race with another first request is handled there
    return cart


def cart_for_caller(*, user: User | AnonymousUser | None, token: str | None) -> Cart:
    """The signed-in caller's own cart, or the guest cart of ``X-Cart-Token``."""
    if user is not None and user.is_authenticated:
        return cart_for_user(user)
    return cart_by_token(token)


def cart_items(*, cart: Cart) -> list[CartItem]:
    return list(
        CartItem.objects.filter(cart_id=cart.pk).select_related("variant__product", "variant__vendor").order_by("id")
    )


# What a cart line reads of its variant, product and vendor (cart_view, the purchase checks).
_VARIANT_COLUMNS = ("id", "sku", "name", "price", "currency", "stock", "is_active", "product_id", "vendor_id")


def _cart_lines_query(cart_id: int, variant_id: int) -> QuerySet[Variant, Any]:
    items = CartItem.objects.filter(cart_id=cart_id, variant_id=OuterRef("pk"))
    # The ids as one UNION subquery: "id = %s OR id IN (subquery)" cannot use the primary key index
    # and scanned every variant (2.5 s under load at 200k variants); the UNION is index probes.
    # A model's table name and parameters only:
    table = CartItem._meta.db_table
    wanted = RawSQL(  # noqa: S611  # nosec B611
        f"SELECT variant_id FROM {table} WHERE cart_id = %s UNION SELECT %s",  # noqa: S608  # nosec B608
        (cart_id, variant_id),
    )
    lines: QuerySet[Variant, Any] = (
        Variant.objects.filter(pk__in=wanted)
        .annotate(
            line_id=Subquery(items.values("pk")[:1]),
            line_quantity=Subquery(items.values("quantity")[:1]),
            line_price=Subquery(items.values("unit_price")[:1]),
        )
        .values(
            *_VARIANT_COLUMNS,
            "product__slug",
            "product__name",
            "product__status",
            "vendor__status",
            "line_id",
            "line_quantity",
            "line_price",
        )
        .order_by()
    )
    return lines


# Compiled once per thread: building and compiling it was a large share of an add to cart's CPU.
_CART_LINES = PreparedValues(_cart_lines_query, cart_id=int, variant_id=int)


def cart_lines_with(*, cart: Cart, variant_id: int) -> list[CartItem]:
    """The cart's lines (ordered by id) plus, if the cart has no line for it, an unsaved line of
    quantity 0 for ``variant_id`` (when that variant exists): every line's variant, product and
    vendor, in one statement (the lines' own columns are index probes on (cart, variant))."""
    lines = []
    for row in _CART_LINES.rows(cart_id=cart.pk, variant_id=variant_id):
        product = loaded(
            Product,
            {
                "id": row["product_id"],
                "slug": row["product__slug"],
                "name": row["product__name"],
                "status": row["product__status"],
            },
        )
        vendor = loaded(Vendor, {"id": row["vendor_id"], "status": row["vendor__status"]})
        variant = loaded(Variant, {name: row[name] for name in _VARIANT_COLUMNS}, product=product, vendor=vendor)
        if row["line_id"] is None:
            line = CartItem(cart_id=cart.pk, variant=variant, quantity=0, unit_price=variant.price)
        else:
            line = loaded(
                CartItem,
                {
                    "id": row["line_id"],
                    "cart_id": cart.pk,
                    "variant_id": variant.pk,
                    "quantity": row["line_quantity"],
                    "unit_price": row["line_price"],
                },
                variant=variant,
            )
        lines.append(line)
    return sorted(lines, key=lambda item: (item.pk is None, item.pk or 0))


def cart_line_problem(item: CartItem) -> str | None:
    variant = item.variant
    if not variant_is_purchasable(variant):
        return PROBLEM_UNAVAILABLE
    if variant.stock < item.quantity:
        return PROBLEM_INSUFFICIENT_STOCK
    return None


def cart_view(*, cart: Cart, items: list[CartItem] | None = None) -> CartView:
    """The cart as GET /cart/ shows it. Lines that cannot be bought as they stand are kept and
    flagged (``available: false`` with a ``problem``); subtotal and item_count cover the others."""
    items = cart_items(cart=cart) if items is None else items
    lines: list[CartLine] = []
    subtotal = Decimal("0.00")
    count = 0
    currency = None
    for item in items:
        variant = item.variant
        problem = cart_line_problem(item)
        total = line_total(variant.price, item.quantity)
        if problem is None:
            subtotal = money(subtotal + total)
            count += item.quantity
            currency = currency or variant.currency
        lines.append(
            {
                "id": item.pk,
                "variant": {
                    "id": variant.pk,
                    "sku": variant.sku,
                    "name": variant.name,
                    "product_slug": variant.product.slug,
                    "product_name": variant.product.name,
                },
                "quantity": item.quantity,
                "unit_price": variant.price,
                "line_total": total,
                "currency": variant.currency,
                "price_when_added": item.unit_price,
                "price_changed": item.unit_price != variant.price,
                "stock_available": max(variant.stock, 0) if problem != PROBLEM_UNAVAILABLE else 0,
                "available": problem is None,
                "problem": problem,
            }
        )
    return {
        "token": cart.token,
        "items": lines,
        "subtotal": subtotal,
        "currency": currency or default_currency(),
        "item_count": count,
        "has_problems": any(line["problem"] for line in lines),
        "updated_at": cart.updated_at,
    }
