import secrets

from django.conf import settings
from django.db import models


def new_cart_token() -> str:
    return secrets.token_urlsafe(32)


class Cart(models.Model):
    """A signed-in user's cart (one per user), or a guest cart reachable only with its token."""

    token = models.CharField(max_length=64, unique=True, default=new_cart_token, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Guest carts expire this long after their last change (beat task / cleanup_carts).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"cart of {self.user}" if self.user_id else f"guest cart {self.pk}"

    def is_guest(self) -> bool:
        return self.user_id is None


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField()
    # The price the shopper saw when adding (or last changing) the line: checkout says when it moved.
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="carts_one_line_per_variant"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1, quantity__lte=99), name="carts_quantity_1_99"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x variant {self.variant_id}"
