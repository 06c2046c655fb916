"""After-sale: returns of shipped lines, and the lines each sub-order refund covers."""

from django.conf import settings
from django.db import models

from agora.orders.models import VendorOrder


class ReturnRequest(models.Model):
    """A shopper asks to send back shipped lines of one vendor's sub-order.

    requested → approved | rejected (the vendor); rejected → disputed (the shopper);
    disputed → approved | closed (staff); approved → refunded (the vendor, on receipt).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested"
        APPROVED = "approved"
        REJECTED = "rejected"
        DISPUTED = "disputed"
        CLOSED = "closed"  # a disputed rejection that staff upheld
        REFUNDED = "refunded"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="returns")
    vendor_order = models.ForeignKey("orders.VendorOrder", on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    reason = models.TextField(max_length=2000)
    vendor_note = models.CharField(max_length=500, blank=True, help_text="Why the vendor rejected it.")
    dispute_reason = models.TextField(max_length=2000, blank=True)
    staff_note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restocked = models.BooleanField(default=False)
    refund = models.ForeignKey(
        "payments.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="return_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["vendor_order", "status"], name="returns_vo_status"),
            models.Index(fields=["status", "created_at"], name="returns_status_created"),
        ]

    def __str__(self) -> str:
        return f"return {self.pk} ({self.status})"


class ReturnLine(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="returns_line_quantity"),
            models.UniqueConstraint(fields=["return_request", "order_line"], name="returns_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.order_line_id}"


class RefundLine(models.Model):
    """Which order lines (and how many units) a refund of a sub-order paid back."""

    refund = models.ForeignKey("payments.Refund", on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="refund_lines")
    quantity = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.order_line_id}: {self.amount}"


class SubOrderForStaff(VendorOrder):
    """The sub-orders staff act on after sale (cancel a late one with a refund), in the admin."""

    class Meta:
        proxy = True
        verbose_name = "sub-order (after-sale)"
        verbose_name_plural = "sub-orders (after-sale)"
