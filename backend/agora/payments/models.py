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
        REFUNDED = "refunded"

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="payments")
    gateway = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=255, blank=True, db_index=True)
    client_secret = models.CharField(max_length=255, blank=True)
    failure_code = models.CharField(max_length=100, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.gateway} {self.reference or self.pk} ({self.status})"


class WebhookEvent(models.Model):
    """Every gateway event received once: a redelivered event id is recognised and changes nothing."""

    gateway = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    outcome = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["gateway", "event_id"], name="payments_event_once")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.type} {self.event_id}"
