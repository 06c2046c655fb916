from django.conf import settings
from django.db import models


class WishlistItem(models.Model):
    """A variant a signed-in shopper saved for later (one row per variant per account).

    Guests keep their hearts in their own browser; they are merged here at sign-in.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_items")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "variant"], name="wishlists_one_row_per_variant")]
        indexes = [models.Index(fields=["user", "-created_at"], name="wishlists_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.variant_id}"
