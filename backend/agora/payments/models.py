from django.db import models


class Payment(models.Model):
    """One payment attempt for an order through a gateway. Card data never reaches us: the
    gateway holds it and we keep its reference (a Stripe PaymentIntent id)."""

    class Status(models.TextChoices):
        PENDING = "pending"  # created at the gateway, waiting for the customer (Stripe: confirm on the client)
        AUTHORIZED = "authorized"
        CAPTURED = "captured"
        FAILED = "failed"
        VOIDED = "voided"
        PARTIALLY_REFUNDED = "partially_refunded"  # captured, and part of it given back
        REFUNDED = "refunded"  # the whole captured amount given back

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="payments")
    gateway = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    # The sum of this payment's succeeded refunds, kept exact by the refund services under the
    # payment's row lock (the Refund rows are the record; this is their total, for reads).
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0, db_default=0)
    reference = models.CharField(max_length=255, blank=True, db_index=True)
    client_secret = models.CharField(max_length=255, blank=True)
    failure_code = models.CharField(max_length=100, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_refunded__gte=0, amount_refunded__lte=models.F("amount")),
                name="payments_refunded_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.reference or self.pk} ({self.status})"


class Refund(models.Model):
    """One refund of (part of) a payment: asked for by us (staff, a cancellation) or made at the
    provider (its dashboard). One row per provider refund id; rows are never deleted.

    A refund we ask for is written first (``pending``) with the idempotency key of the provider
    call, then sent; the provider's answer and its webhooks fill in ``reference`` and ``status``.
    """

    class Status(models.TextChoices):
        PENDING = "pending"  # written, not confirmed by the provider yet
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELED = "canceled"

    class Origin(models.TextChoices):
        PLATFORM = "platform"  # asked for by Agora (staff, a cancellation, a vendor)
        PROVIDER = "provider"  # made at the provider (e.g. in Stripe's dashboard), learnt from a webhook

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    vendor_order = models.ForeignKey(
        "orders.VendorOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    origin = models.CharField(max_length=20, choices=Origin.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=255, blank=True, help_text="The provider's refund id.")
    reason = models.CharField(max_length=200, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payments_refund_positive"),
            models.UniqueConstraint(
                fields=["payment", "reference"],
                condition=~models.Q(reference=""),
                name="payments_refund_once_per_provider_id",
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.reference or self.pk} of {self.amount} {self.currency} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        return f"agora-refund-{self.pk}"


class ReceivedEvent(models.Model):
    """A provider's webhook event, recorded once: a redelivered event id is recognised and changes
    nothing. Each app's events name their source and are unique per source and event id."""

    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    outcome = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-received_at"]


class WebhookEvent(ReceivedEvent):
    """Every gateway event received once."""

    gateway = models.CharField(max_length=20)

    class Meta(ReceivedEvent.Meta):
        constraints = [models.UniqueConstraint(fields=["gateway", "event_id"], name="payments_event_once")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.type} {self.event_id}"
