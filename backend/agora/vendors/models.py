from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def default_commission_rate() -> Decimal:
    return Decimal(str(settings.VENDOR_DEFAULT_COMMISSION_RATE))


class Vendor(models.Model):
    """A seller on the marketplace. Only approved vendors' products are public."""

    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        SUSPENDED = "suspended"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    contact_email = models.EmailField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    commission_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=default_commission_rate,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Marketplace commission on each sub-order, in percent.",
    )
    # Policies shoppers see and the order flow applies: paid sub-orders must ship within
    # `handling_days` (late ones are flagged to the vendor and staff); shipped lines may be
    # returned within `return_window_days` (the EU's 14-day right of withdrawal by default).
    handling_days = models.PositiveSmallIntegerField(
        default=3,
        db_default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Days to ship a paid order.",
    )
    return_window_days = models.PositiveSmallIntegerField(
        default=14,
        db_default=14,
        validators=[MinValueValidator(14), MaxValueValidator(365)],
        help_text="Days after shipment a shopper may ask to return (at least the legal 14).",
    )
    # Denormalised from the published reviews of its products by the reviews services (through
    # ``vendor_rating_set``), exact after every review change. No reviews: null and 0.
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0, db_default=0)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate__gte=0, commission_rate__lte=100), name="vendor_commission_0_100"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class VendorMembership(models.Model):
    """Who acts for a vendor. One vendor per user in v1 (the OneToOne enforces it)."""

    class Role(models.TextChoices):
        OWNER = "owner"
        STAFF = "staff"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_membership")
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.OWNER)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.role} of {self.vendor})"
