from django.contrib import admin

from agora.core.admin import ReadOnlyAdmin, ReadOnlyInline
from agora.payments.models import Payment, Refund, WebhookEvent


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("created_at", "amount", "currency", "status", "origin", "reference", "reason", "failure_reason")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "order",
        "gateway",
        "status",
        "amount",
        "amount_refunded",
        "currency",
        "reference",
        "created_at",
    ]
    list_filter = ["gateway", "status", "created_at"]
    search_fields = ["reference", "order__number", "order__email"]
    exclude = ["client_secret"]
    list_select_related = ["order"]
    inlines = [RefundInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "payment", "amount", "currency", "status", "origin", "reference", "reason", "created_at"]
    list_filter = ["status", "origin", "created_at"]
    search_fields = ["reference", "payment__reference", "payment__order__number"]
    list_select_related = ["payment"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "gateway", "type", "outcome", "received_at"]
    list_filter = ["gateway", "type", "outcome"]
    search_fields = ["event_id"]
    fields = ["gateway", "event_id", "type", "payload", "outcome"]
