import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models

# Order numbers are random (not sequential) so they cannot be enumerated; no 0/O/1/I/L/U.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_order_number() -> str:
    return "AG-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(10))


def new_access_token() -> str:
    return secrets.token_urlsafe(24)


# The most an order's amounts may be: its money columns (and its sub-orders', lines' and
# payment's) are numeric(12, 2). Checkout refuses a larger order before writing anything.
ORDER_AMOUNT_MAX = Decimal("9999999999.99")


class Order(models.Model):
    """One checkout. Status changes go through agora.orders.states (the one transition table)."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment"
        PAID = "paid"
        PROCESSING = "processing"
        FULFILLED = "fulfilled"
        CANCELLED = "cancelled"
        PAYMENT_FAILED = "payment_failed"
        # Part of the captured amount went back; the rest of the order stands (and may still ship).
        PARTIALLY_REFUNDED = "partially_refunded"
        REFUNDED = "refunded"

    number = models.CharField(max_length=20, unique=True, default=new_order_number, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT)
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_total = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # The platform method chosen for every vendor (v1's single shipping_method); empty when each
    # vendor's method was chosen separately (its sub-order records it).
    shipping_method = models.ForeignKey(
        "shipping.ShippingMethod", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shipping_method_name = models.CharField(max_length=100)
    shipping_address = models.JSONField()
    payment_method = models.CharField(max_length=20)
    # Guests read their order with this token (X-Order-Token) or with the cart token they checked out with.
    access_token = models.CharField(max_length=64, default=new_access_token, editable=False)
    cart_token = models.CharField(max_length=64, blank=True, editable=False)
    # The Idempotency-Key row of the checkout that placed it, written with the order: if that
    # request's process dies before answering, the next request with the key finishes this order.
    checkout_attempt = models.ForeignKey(
        "orders.IdempotencyKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Set once, under the order's row lock, when its stock went back: restoring twice is impossible.
    stock_released = models.BooleanField(default=False)
    # Set when the processing task confirmed the order (emails sent); the re-drive looks for paid rows without it.
    processed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="orders_user_recent"),
            models.Index(fields=["status", "created_at"], name="orders_status_created"),
            models.Index(
                fields=["paid_at"], condition=models.Q(processed_at__isnull=True), name="orders_unprocessed_paid"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="orders_total_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number


# Orders whose sub-orders may still ship (a partial refund leaves the rest of the order standing).
SHIPPABLE_ORDER_STATUSES = (Order.Status.PROCESSING, Order.Status.PARTIALLY_REFUNDED)


class VendorOrder(models.Model):
    """The part of an order one vendor fulfils: its own lines, subtotal, commission and status."""

    class Status(models.TextChoices):
        PENDING = "pending"  # the order is not confirmed (paid and processed) yet
        PROCESSING = "processing"  # confirmed: the vendor packs and ships
        SHIPPED = "shipped"
        CANCELLED = "cancelled"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="vendor_orders")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="vendor_orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    commission_rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="Percent, from the vendor.")
    commission = models.DecimalField(max_digits=12, decimal_places=2)
    # Whether the commission was charged on the shipping too (COMMISSION_ON_SHIPPING when the
    # order was placed): a refund gives commission back on that base.
    commission_on_shipping = models.BooleanField(default=False, db_default=False)
    # The shipping the customer paid for this vendor's parcel (its earnings, not the platform's);
    # 0 while shipping is charged per order.
    shipping_total = models.DecimalField(max_digits=12, decimal_places=2, default=0, db_default=0)
    shipping_method_code = models.CharField(max_length=32, blank=True, default="", db_default="")
    shipping_method_name = models.CharField(max_length=100, blank=True, default="", db_default="")
    delivery_days_min = models.PositiveSmallIntegerField(null=True, blank=True)
    delivery_days_max = models.PositiveSmallIntegerField(null=True, blank=True)
    # The vendor's return window when the order was placed: the one the shopper bought under,
    # kept when the vendor changes its policy later (agora.returns reads it).
    return_window_days = models.PositiveSmallIntegerField(
        default=14,
        db_default=14,
        help_text="Days after shipment the shopper may ask to return, as offered when the order was placed.",
    )
    # Paid orders must ship by then (the vendor's handling time from payment); late ones are flagged.
    ship_by = models.DateTimeField(null=True, blank=True)
    late_notified_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True, default="", db_default="")
    tracking_number = models.CharField(max_length=100, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["order", "vendor"], name="orders_one_suborder_per_vendor")]
        indexes = [models.Index(fields=["vendor", "-created_at"], name="orders_vendororder_vendor")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.vendor_id}"

    def can_ship(self) -> bool:
        """A parcel may go out: confirmed, and the order is not cancelled or refunded (needs ``order``)."""
        return self.status == self.Status.PROCESSING and self.order.status in SHIPPABLE_ORDER_STATUSES

    def can_cancel_lines(self) -> bool:
        """The vendor may cancel what it cannot ship: paid and nothing of it shipped yet as a whole."""
        return self.status in (self.Status.PENDING, self.Status.PROCESSING) and self.order.status in (
            Order.Status.PAID,
            *SHIPPABLE_ORDER_STATUSES,
        )

    def is_late(self) -> bool:
        """Confirmed and not shipped by the vendor's handling deadline."""
        from django.utils import timezone

        return self.status == self.Status.PROCESSING and self.ship_by is not None and self.ship_by < timezone.now()


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    vendor_order = models.ForeignKey(VendorOrder, on_delete=models.CASCADE, related_name="lines")
    # PROTECT: an ordered variant is archived, never deleted (catalog.services.products), so the
    # shoppers' carts and wishlists that hold it show it as unavailable instead of losing it.
    variant = models.ForeignKey("catalog.Variant", null=True, on_delete=models.PROTECT, related_name="+")
    product_slug = models.CharField(max_length=240)
    product_name = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=120)
    sku = models.CharField(max_length=64)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveSmallIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    # Of `quantity`: units the vendor cancelled before shipping, and units in parcels.
    quantity_cancelled = models.PositiveSmallIntegerField(default=0, db_default=0)
    quantity_shipped = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=models.F("quantity_cancelled") + models.F("quantity_shipped")),
                name="orders_line_quantities_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def quantity_open(self) -> int:
        """Units still to ship (neither cancelled nor in a parcel)."""
        return self.quantity - self.quantity_cancelled - self.quantity_shipped


class Parcel(models.Model):
    """One parcel a vendor sent for a sub-order: which lines and how many, with its tracking."""

    vendor_order = models.ForeignKey(VendorOrder, on_delete=models.CASCADE, related_name="parcels")
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    shipped_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"parcel {self.pk} of {self.vendor_order_id}"


class ParcelLine(models.Model):
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="parcel_lines")
    quantity = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orders_parcel_line_quantity")]

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.order_line_id}"


class IdempotencyKey(models.Model):
    """A checkout request's Idempotency-Key, per caller, with its body's hash and its first answer."""

    scope = models.CharField(max_length=80, help_text="Who sent it: user:<id> or cart:<token hash>.")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    # When the request now working on it claimed the key: a claim older than
    # IDEMPOTENCY_CLAIM_STALE_SECONDS belongs to a process that died and may be taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="orders_idempotency_key_per_caller")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
