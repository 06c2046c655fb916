"""Shipping methods: the platform's (staff set them; vendors without their own inherit them) and
each vendor's own, with the countries they ship to, a price, free shipping above a subtotal and
a delivery estimate."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models

from agora.core.money import default_currency

# What a method offers a shopper, in the order the API lists it (platform and vendor methods alike).
OFFER_FIELDS = (
    "code",
    "name",
    "price",
    "currency",
    "countries",
    "free_above",
    "delivery_days_min",
    "delivery_days_max",
)


class MethodFields(models.Model):
    name = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default=default_currency)  # AGORA_CURRENCY, the shop's one
    # ISO 3166-1 alpha-2 codes it ships to; empty means everywhere.
    countries = ArrayField(models.CharField(max_length=2), default=list, db_default=[], blank=True)
    free_above = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Free when the vendor's part of the order reaches this subtotal; empty for never.",
    )
    delivery_days_min = models.PositiveSmallIntegerField(default=2, db_default=2)
    delivery_days_max = models.PositiveSmallIntegerField(default=5, db_default=5)
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class ShippingMethod(MethodFields):
    """A platform method (the v1 ``shipping_method`` codes): the defaults a vendor inherits."""

    code = models.SlugField(max_length=32, unique=True)

    class Meta:
        # The table predates this app (it was the orders app's): the rows and their ids stay.
        db_table = "orders_shippingmethod"
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(price__gte=0), name="shipping_price_not_negative")]

    def __str__(self) -> str:
        return f"{self.name} ({self.price} {self.currency})"


class VendorShippingMethod(MethodFields):
    """A vendor's own method. A vendor with at least one active method of its own offers those
    (and only those); a vendor with none offers the platform's methods."""

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, related_name="shipping_methods")
    code = models.SlugField(max_length=32, help_text="Unique per vendor; a platform code means the same service.")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "code"], name="shipping_vendor_code_unique"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="shipping_vendor_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(delivery_days_max__gte=models.F("delivery_days_min")),
                name="shipping_vendor_delivery_range",
            ),
        ]
        indexes = [models.Index(fields=["vendor", "is_active"], name="shipping_vendor_active")]

    def __str__(self) -> str:
        return f"{self.vendor_id}: {self.name}"
