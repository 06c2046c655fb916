from django.contrib import admin

from agora.shipping.models import ShippingMethod, VendorShippingMethod


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    """The platform's methods: what v1's shipping_method names and what vendors without their own inherit."""

    list_display = ["code", "name", "price", "currency", "free_above", "countries", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active"]


@admin.register(VendorShippingMethod)
class VendorShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["vendor", "code", "name", "price", "currency", "free_above", "countries", "is_active"]
    list_filter = ["is_active", "vendor"]
    search_fields = ["vendor__name", "code", "name"]
    list_select_related = ["vendor"]
