from django.conf import settings
from django.db import models


class Review(models.Model):
    """A shopper's review of a product they bought: one per order line, once the line shipped.

    Only ``published`` reviews are public and count in the product's and the vendor's rating
    (denormalised on their rows by the services, exact after every change).
    """

    class Status(models.TextChoices):
        PENDING = "pending"  # waiting for staff
        PUBLISHED = "published"
        REJECTED = "rejected"

    class Hold(models.TextChoices):
        LINK = "link"
        WORD = "word"

    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.CASCADE, related_name="review")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="reviews")
    # Denormalised from the product: the vendor's rating and its reply queue are one index scan.
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, related_name="reviews")
    variant_name = models.CharField(max_length=120, blank=True)
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=5000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # Why the automatic screening held it for staff (links, held words); empty when nothing was found.
    hold_reasons = models.JSONField(default=list, blank=True)
    rejection_reason = models.CharField(max_length=500, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The vendor's one public answer.
    reply = models.TextField(max_length=2000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the shopper last changed the text, rating or photos (shown as "edited").
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="reviews_rating_1_to_5"),
        ]
        indexes = [
            models.Index(fields=["product", "status", "-published_at"], name="reviews_product_public"),
            models.Index(fields=["vendor", "status", "-published_at"], name="reviews_vendor"),
            models.Index(fields=["status", "created_at"], name="reviews_moderation_queue"),
            models.Index(fields=["user", "-created_at"], name="reviews_user"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"

    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


def _photo_path(instance: "ReviewPhoto", filename: str) -> str:
    return f"reviews/{instance.review_id}/{filename}"


class ReviewPhoto(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=_photo_path, width_field="width", height_field="height", max_length=300)
    thumbnail = models.ImageField(upload_to=_photo_path, blank=True, max_length=300)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name or ""
