from django.contrib import admin
from django.db.models import Count

from agora.core.admin import bulk_action
from agora.vendors import services
from agora.vendors.models import Vendor, VendorMembership


class VendorMembershipInline(admin.TabularInline):
    model = VendorMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "contact_email", "commission_rate", "product_count", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "slug", "contact_email", "memberships__user__email"]
    # Status changes go through the actions (they re-index the vendor's products and clear the cache).
    readonly_fields = ["status", "rating_average", "rating_count", "approved_at", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VendorMembershipInline]
    actions = ["approve", "suspend"]
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_product_count=Count("products"))

    def save_model(self, request, obj, form, change):
        services.vendor_admin_save(vendor=obj)  # a new name or description shows at once

    @admin.display(description="products", ordering="_product_count")
    def product_count(self, obj) -> int:
        return obj._product_count

    @admin.action(description="Approve selected vendors (their products go live)", permissions=["change"])
    def approve(self, request, queryset):
        bulk_action(
            self, request, queryset, lambda v: services.vendor_approve(vendor=v), noun="vendor", verb="approved"
        )

    @admin.action(description="Suspend selected vendors (their products leave the storefront)", permissions=["change"])
    def suspend(self, request, queryset):
        bulk_action(
            self, request, queryset, lambda v: services.vendor_suspend(vendor=v), noun="vendor", verb="suspended"
        )


@admin.register(VendorMembership)
class VendorMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "vendor", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "vendor__name", "vendor__slug"]
    raw_id_fields = ["user", "vendor"]
