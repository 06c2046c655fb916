"""Shared test helpers for checkout and orders."""

import uuid
from decimal import Decimal

from agora.carts.models import Cart, CartItem
from agora.carts.tests.factories import sellable_variant
from agora.orders import checkout
from agora.shipping.models import ShippingMethod
from agora.vendors.tests.factories import VendorFactory

ADDRESS = {
    "full_name": "Ada Lovelace",
    "line1": "12 Analytical Street",
    "city": "London",
    "postal_code": "N1 7AA",
    "country": "gb",
}


def shipping_methods() -> None:
    """The data migration's methods (transactional tests flush them, so make sure they exist)."""
    ShippingMethod.objects.get_or_create(
        code="standard", defaults={"name": "Standard", "price": Decimal("4.90"), "currency": "EUR"}
    )
    ShippingMethod.objects.get_or_create(
        code="express", defaults={"name": "Express", "price": Decimal("9.90"), "currency": "EUR", "position": 1}
    )


def body(**over) -> dict:
    data = {
        "email": "ada@example.com",
        "shipping_address": ADDRESS,
        "shipping_method": "standard",
        "payment_method": "dummy",
        "payment_token": "tok_visa",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def post_checkout(client, *, token: str | None = None, key: str | None = "auto", environ: dict | None = None, **over):
    headers = dict(environ or {})
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = uuid.uuid4().hex if key == "auto" else key
    if token:
        headers["HTTP_X_CART_TOKEN"] = token
    return client.post("/api/v1/checkout/", body(**over), format="json", **headers)


def guest_checkout(cart_token: str, *, email: str = "buyer@example.com", **over):
    """Checks a guest cart out through the service, as the API would: standard shipping to ADDRESS,
    dummy payment (``over`` changes any of it)."""
    params = {"shipping_address": ADDRESS, "shipping_method": "standard", "payment_method": "dummy", **over}
    return checkout.checkout(user=None, cart_token=cart_token, email=email, **params)


def fill_cart(cart: Cart, *lines) -> Cart:
    """lines: (variant, quantity) pairs."""
    CartItem.objects.bulk_create([CartItem(cart=cart, variant=v, quantity=q, unit_price=v.price) for v, q in lines])
    return cart


def three_vendor_cart(cart: Cart, *, rates=("10.00", "12.50", "0.00")):
    """A cart with lines from three vendors; returns (cart, variants)."""
    variants = []
    for i, rate in enumerate(rates):
        vendor = VendorFactory.create(commission_rate=Decimal(rate))
        variants.append(sellable_variant(price=f"{10 * (i + 1)}.00", stock=10, vendor=vendor))
    fill_cart(cart, (variants[0], 2), (variants[1], 1), (variants[2], 3))
    return cart, variants
