from django.contrib import admin, messages

from agora.core.admin import ReadOnlyAdmin
from agora.core.errors import DomainError
from agora.returns import services
from agora.returns.models import RefundLine, ReturnLine, ReturnRequest, SubOrderForStaff


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = ("order_line", "quantity")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    """Returns of every vendor; disputed ones are staff's to decide (actions, with the note typed below)."""

    list_display = ["id", "order", "vendor_order", "status", "created_at", "refunded_at"]
    list_filter = ["status", "vendor_order__vendor", "created_at"]
    search_fields = ["order__number", "order__email", "reason"]
    list_select_related = ["order", "vendor_order__vendor"]
    readonly_fields = [f.name for f in ReturnRequest._meta.fields]
    inlines = [ReturnLineInline]
    actions = ["approve_disputed", "uphold_rejection"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, approve: bool) -> None:
        note = f"Decided by staff ({request.user}) in the admin."
        for return_request in queryset:
            try:
                services.return_decide(return_request=return_request, approve=approve, note=note, staff=request.user)
            except DomainError as exc:
                self.message_user(request, f"Return {return_request.pk}: {exc.message}", messages.WARNING)

    @admin.action(description="Disputed: the return goes ahead", permissions=["change"])
    def approve_disputed(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="Disputed: the vendor's refusal stands", permissions=["change"])
    def uphold_rejection(self, request, queryset):
        self._decide(request, queryset, approve=False)


@admin.register(RefundLine)
class RefundLineAdmin(ReadOnlyAdmin):
    list_display = ["refund", "order_line", "quantity", "amount"]
    list_select_related = ["refund", "order_line"]
    readonly_fields = ["refund", "order_line", "quantity", "amount"]


@admin.register(SubOrderForStaff)
class SubOrderForStaffAdmin(admin.ModelAdmin):
    """Late sub-orders first: staff may cancel what is left of one, refunding that part."""

    list_display = ["id", "order", "vendor", "status", "ship_by", "late_notified_at"]
    list_filter = ["status", "vendor"]
    search_fields = ["order__number", "vendor__name"]
    list_select_related = ["order", "vendor"]
    readonly_fields = [f.name for f in SubOrderForStaff._meta.fields]
    ordering = ["ship_by"]
    actions = ["cancel_with_refund"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Cancel what is left, refunding that part (late sub-orders)", permissions=["change"])
    def cancel_with_refund(self, request, queryset):
        done = 0
        for vo in queryset:
            try:
                services.sub_order_cancel_lines(
                    vendor_order=vo, lines=None, reason=f"not shipped in time (staff: {request.user})", by_staff=True
                )
                done += 1
            except DomainError as exc:
                self.message_user(request, f"Sub-order {vo.pk}: {exc.message}", messages.WARNING)
        self.message_user(request, f"Cancelled {done} sub-order(s) with a refund.", messages.SUCCESS)
