from django.contrib import admin

from agora.carts.models import Cart, CartItem


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    raw_id_fields = ["variant"]
    readonly_fields = ["unit_price", "created_at", "updated_at"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "created_at", "updated_at"]
    list_select_related = ["user"]  # nullable: Django would otherwise fetch each row's user on its own
    list_filter = [("user", admin.EmptyFieldListFilter), "updated_at"]
    # A guest cart's token is its key (X-Cart-Token reads and changes it, and reads the order placed
    # from it): never shown, and found only whole (a shopper reading it out), never by a fragment.
    search_fields = ["user__email", "=token"]
    raw_id_fields = ["user"]
    exclude = ["token"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CartItemInline]
