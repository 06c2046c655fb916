"""What the carts app holds about a person, for data exports and account deletion."""

from agora.carts.models import Cart
from agora.core.privacy import register


def cart_personal_data(user) -> dict | None:
    cart = Cart.objects.filter(user=user).prefetch_related("items__variant__product").first()
    if cart is None:
        return None
    return {
        "updated_at": cart.updated_at.isoformat(),
        "items": [
            {
                "product": item.variant.product.name,
                "sku": item.variant.sku,
                "quantity": item.quantity,
                "unit_price": str(item.unit_price),
            }
            for item in cart.items.all()
        ],
    }


def _erase(user, replacement_email: str) -> None:
    Cart.objects.filter(user=user).delete()


register("cart", export=cart_personal_data, erase=_erase)
