from decimal import Decimal

from django.contrib.postgres.indexes import OpClass
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper

from agora.core.money import default_currency
from agora.core.storage import get_private_storage
from agora.vendors.models import Vendor


class Category(models.Model):
    """A node of the category tree (adjacency list plus a materialised slug path).

    ``path`` ("home/kitchen/mugs") makes "this category and its descendants" one indexed
    prefix match; services keep it in step when a category moves or is renamed.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=1000, unique=True, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"
        indexes = [models.Index(OpClass("path", name="varchar_pattern_ops"), name="catalog_category_path_prefix")]

    def __str__(self) -> str:
        return self.path.replace("/", " > ") if self.path else self.name


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        PENDING_REVIEW = "pending_review"
        APPROVED = "approved"
        REJECTED = "rejected"
        ARCHIVED = "archived"

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=240, unique=True)
    description = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    rejection_reason = models.TextField(blank=True)
    # Denormalised from the active variants by the catalog services, so listing filters and
    # price ordering are single-table index scans at 100k products.
    price_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default=default_currency)  # AGORA_CURRENCY, the shop's one
    in_stock = models.BooleanField(default=False)
    # Units sold in the last 30 days: the search ranking's popularity signal. Computed from paid
    # orders by the orders app (above catalog) every hour through ``products_set_units_sold``.
    units_sold_30d = models.PositiveIntegerField(default=0, db_default=0)
    # Denormalised from the published reviews by the reviews services (through
    # ``product_rating_set``), exact after every review change: list filters and "best rated"
    # ordering read one row. No reviews: average null, count 0.
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0, db_default=0)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "vendor"], name="catalog_product_status_vendor"),
            models.Index(fields=["vendor", "status", "-created_at"], name="catalog_product_vendor_list"),
            models.Index(fields=["status", "-created_at", "-id"], name="catalog_product_public_new"),
            models.Index(fields=["status", "price_min", "id"], name="catalog_product_public_price"),
            models.Index(fields=["status", "name", "id"], name="catalog_product_public_name"),
            models.Index(fields=["status", "category", "-created_at"], name="catalog_product_public_cat"),
            models.Index(fields=["status", "in_stock", "-created_at", "-id"], name="catalog_product_public_stock"),
            models.Index(
                F("status"),
                F("rating_average").desc(nulls_last=True),
                F("rating_count").desc(),
                F("id").desc(),
                name="catalog_product_public_rating",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED and self.vendor.status == Vendor.Status.APPROVED

    def portal_actions(self, *, image_count: int, max_images: int) -> list[str]:
        """What the vendor may do with it now (the portal offers exactly these): nothing while the
        vendor is not approved (every write is refused); an archived product can only be deleted."""
        if self.vendor.status != Vendor.Status.APPROVED:
            return []
        actions = []
        if self.status != self.Status.ARCHIVED:
            actions.append("edit")
            if image_count < max_images:
                actions.append("add_image")
        if self.status in (self.Status.DRAFT, self.Status.REJECTED):
            actions.append("submit")
        actions.append("delete")
        return actions


class AttributeDefinition(models.Model):
    """An attribute key products carry in ``attributes`` ("material", "colour"), as staff name it.

    Filterable ones become search facets (values with counts) and filters. ``key`` is matched
    against products' attribute keys normalised (``agora.catalog.attributes.attribute_key``:
    trimmed, inner spaces collapsed, case-folded), so "Colour" and " colour" are the same key.
    """

    key = models.CharField(
        max_length=60,
        unique=True,
        help_text='The key in products\' attributes ("material"); stored normalised: trimmed, lower case.',
    )
    name = models.CharField(max_length=80, help_text='The facet\'s title shoppers see ("Material").')
    filterable = models.BooleanField(
        default=False, help_text="Shown as a search facet with counts, and usable as a search filter."
    )
    position = models.PositiveIntegerField(default=0, help_text="Facets are listed by position, then name.")

    class Meta:
        ordering = ["position", "name", "key"]

    def __str__(self) -> str:
        return self.name or self.key


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    # Denormalised owner: SKUs are unique per vendor, enforced by the database.
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=120)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3, default=default_currency)  # AGORA_CURRENCY, the shop's one
    stock = models.IntegerField(default=0)
    # A variant that has been ordered is archived instead of deleted, so order lines keep it.
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="variant_stock_not_negative"),
            models.CheckConstraint(condition=models.Q(price__gte=Decimal("0.01")), name="variant_price_positive"),
            models.UniqueConstraint(Upper("sku"), "vendor", name="variant_sku_unique_per_vendor"),
        ]
        indexes = [models.Index(fields=["product", "is_active"], name="catalog_variant_product")]

    def __str__(self) -> str:
        return f"{self.sku} — {self.name}"


def _image_path(instance: "ProductImage", filename: str) -> str:
    return f"products/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=_image_path, width_field="width", height_field="height", max_length=300)
    thumbnail = models.ImageField(upload_to=_image_path, blank=True, max_length=300)
    alt = models.CharField(max_length=200, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    # How often beat re-queued its thumbnail task (lost, or failing): it gives up after a few.
    thumbnail_requeues = models.PositiveSmallIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        # "First image of each product" (list thumbnails) is one DISTINCT ON scan of this index.
        indexes = [models.Index(fields=["product", "position", "id"], name="catalog_image_product_pos")]

    def __str__(self) -> str:
        return self.alt or self.image.name or ""


def _import_path(instance: "ImportJob", filename: str) -> str:
    return f"imports/{instance.vendor_id}/{filename}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    # Private storage: vendors' files are never served by /media/ or the CDN.
    file = models.FileField(upload_to=_import_path, max_length=300, storage=get_private_storage)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    # The first IMPORT_MAX_STORED_ERRORS row errors ({row, message}); error_count counts them all.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moved by the running task after every chunk: a running job whose heartbeat stopped long ago
    # lost its worker, and the re-drive starts it over.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["vendor", "-created_at"], name="catalog_import_vendor")]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.status})"
