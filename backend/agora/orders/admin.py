from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from agora.core.admin import ReadOnlyInline
from agora.core.errors import DomainError
from agora.orders import services
from agora.orders.models import Order, OrderLine, Parcel, VendorOrder
from agora.payments.models import Payment


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("sku", "product_name", "variant_name", "unit_price", "quantity", "line_total", "vendor_order")


class VendorOrderInline(ReadOnlyInline):
    model = VendorOrder
    fields = (
        "vendor",
        "status",
        "subtotal",
        "shipping_total",
        "shipping_method_name",
        "commission_rate",
        "commission",
        "ship_by",
        "shipped_at",
    )
    show_change_link = True  # its parcels and refunds


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("gateway", "status", "amount", "amount_refunded", "currency", "reference", "failure_code", "created_at")
    show_change_link = True  # its refunds, one row each


# A guest's order and cart tokens are keys (X-Order-Token, X-Cart-Token: they read, cancel and return
# the order): staff find an order by its number and email, and never see, or pass on, those keys.
GUEST_KEYS = ["access_token", "cart_token"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "email", "status", "total", "currency", "payment_method", "created_at"]
    list_filter = ["status", "vendor_orders__vendor", "payment_method", "created_at"]
    search_fields = ["number", "email", "user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    exclude = GUEST_KEYS
    readonly_fields = [*(f.name for f in Order._meta.fields if f.name not in GUEST_KEYS), "emails"]
    inlines = [OrderLineInline, VendorOrderInline, PaymentInline]
    actions = ["cancel_orders", "refund_orders"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Emails")
    def emails(self, obj):
        """The order's emails in the notification outbox (keyed by the order number)."""
        url = reverse("admin:notifications_notification_changelist")
        return format_html('<a href="{}?q={}">Emails about this order</a>', url, obj.number)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def _each(self, request, queryset, service, verb):
        done = 0
        for order in queryset:
            try:
                service(order=order, reason=f"{verb} by staff ({request.user})")
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{order.number}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{verb.capitalize()} {done} order(s).", messages.SUCCESS)

    @admin.action(description="Cancel selected orders (restock, void/refund payment)", permissions=["change"])
    def cancel_orders(self, request, queryset):
        self._each(request, queryset, services.order_cancel, "cancelled")

    @admin.action(description="Refund selected orders", permissions=["change"])
    def refund_orders(self, request, queryset):
        self._each(request, queryset, services.order_refund, "refunded")


class ParcelInline(ReadOnlyInline):
    model = Parcel
    fields = ("shipped_at", "carrier", "tracking_number", "tracking_url")


class LateFilter(admin.SimpleListFilter):
    title = "handling time"
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("yes", "Late (not shipped by ship-by)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=VendorOrder.Status.PROCESSING, ship_by__lt=timezone.now())
        return queryset


@admin.register(VendorOrder)
class VendorOrderAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "vendor", "status", "subtotal", "shipping_total", "ship_by", "created_at"]
    list_filter = [LateFilter, "status", "vendor", "created_at"]
    inlines = [ParcelInline]
    search_fields = ["order__number", "vendor__name", "tracking_number"]
    list_select_related = ["order", "vendor"]
    readonly_fields = [f.name for f in VendorOrder._meta.fields]

    def has_add_permission(self, request):
        return False
