from django.contrib import admin

from agora.wishlists.models import WishlistItem


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin):
    """Read-only: shoppers' saved variants (what is wished for, to plan stock)."""

    list_display = ["variant", "user", "created_at"]
    list_select_related = ["variant__product", "user"]
    search_fields = ["variant__sku", "variant__product__name", "user__email"]
    readonly_fields = ["user", "variant", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
