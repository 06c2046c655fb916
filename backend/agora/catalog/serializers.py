from decimal import Decimal
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agora.catalog.attributes import MAX_DEPTH, attributes_problem
from agora.catalog.models import ImportJob, Product, ProductImage, Variant
from agora.catalog.selectors import ORDERINGS, SUMMARY_FIELDS, file_url
from agora.catalog.skus import SKU_MAX_LENGTH, SKU_RULE
from agora.core.serializers import MoneyField, StrictInputSerializer, rating_fields

# --- public catalog --------------------------------------------------------------------------


class ListingFilters(serializers.Serializer):
    """The filters the product list and /api/v1/search/ share, declared once (absent: no filter)."""

    min_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    max_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)
    min_rating = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        min_value=1,
        max_value=5,
        required=False,
        help_text="Only products rated at least this (average stars, 1 to 5); unrated products are left out.",
    )


class ProductListQuerySerializer(ListingFilters):
    """Query parameters of the public product list (unknown ones, like ``page``, are ignored)."""

    # Blank values mean "no filter" / "the default order", as an emptied form field sends them
    # (and as /api/v1/search/ reads them).
    category = serializers.SlugField(
        required=False, allow_blank=True, help_text="Category slug; includes its descendants."
    )
    vendor = serializers.SlugField(required=False, allow_blank=True, help_text="Vendor slug.")
    ordering = serializers.ChoiceField(
        choices=sorted(ORDERINGS),
        required=False,
        allow_blank=True,
        default="-created_at",
        help_text="Default: newest first. `-rating`: best rated first (unrated last, more reviews first on a tie).",
    )


class SlugNameSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ProductSummarySerializer(serializers.ModelSerializer):
    """The public summary. The API renders the same shape from ``.values()`` rows (selectors);
    this serializer is the reference the contract tests compare against, and the schema."""

    vendor = SlugNameSerializer()
    category = SlugNameSerializer()
    price_from = MoneyField(source="price_min", allow_null=True)
    rating_average, rating_count = rating_fields("its published reviews")
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = list(SUMMARY_FIELDS)
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail(self, product: Product) -> str | None:
        images = sorted(product.images.all(), key=lambda i: (i.position, i.id))
        if not images:
            return None
        return file_url(images[0].thumbnail.name or images[0].image.name)


# An image's url and thumbnail_url, as the storefront and the portal both show them. (A comment, not
# a docstring: the schema would describe every image object with the inherited one.)
class ImageUrlsSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_url(self, image: ProductImage) -> str | None:
        return file_url(image.image.name)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail_url(self, image: ProductImage) -> str | None:
        return file_url(image.thumbnail.name)


class PublicImageSerializer(ImageUrlsSerializer):
    alt = serializers.CharField()


class PublicVariantSerializer(serializers.ModelSerializer):
    price = MoneyField()
    stock_available = serializers.IntegerField(source="stock")

    class Meta:
        model = Variant
        fields = ["id", "sku", "name", "price", "currency", "stock_available"]
        read_only_fields = fields


class ProductDetailSerializer(ProductSummarySerializer):
    images = serializers.SerializerMethodField()
    variants = PublicVariantSerializer(many=True)
    attributes = serializers.DictField()

    class Meta(ProductSummarySerializer.Meta):
        fields = [*SUMMARY_FIELDS, "description", "attributes", "images", "variants"]
        read_only_fields = fields

    @extend_schema_field(PublicImageSerializer(many=True))
    def get_images(self, product: Product) -> list:
        images = sorted(product.images.all(), key=lambda i: (i.position, i.id))
        return PublicImageSerializer(images, many=True).data


@extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/CategoryNode"}})
class _CategoryChildrenField(serializers.ListField):
    """The subtree: nodes of the same shape (named in the schema, so generated types recurse)."""


class CategoryNodeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    children = _CategoryChildrenField(child=serializers.DictField(), help_text="Nodes of the same shape.")


# --- vendor portal ---------------------------------------------------------------------------


class VariantInputSerializer(StrictInputSerializer):
    id = serializers.IntegerField(required=False, help_text="An existing variant to update; omit to create one.")
    sku = serializers.CharField(
        max_length=SKU_MAX_LENGTH,
        required=False,
        help_text="Required for a new variant; left out of an item with `id`, it stays as it is. A new or "
        f"changed SKU: {SKU_RULE} (an item with `id` may send its SKU back unchanged, whatever it is).",
    )
    name = serializers.CharField(
        max_length=120, required=False, help_text="Required for a new variant; left out, it stays as it is."
    )
    price = MoneyField(
        max_digits=10,
        min_value=Decimal("0.01"),
        required=False,
        help_text="Required for a new variant; left out, it stays as it is.",
    )
    stock = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        required=False,
        help_text="Units on the shelf. Required for a new variant; left out of an item with `id`, the stock "
        "is not touched. Without `expected_stock` it is written as is (an inventory sync).",
    )
    currency = serializers.CharField(
        max_length=3,
        required=False,
        help_text="Not settable: the shop sells in one currency. The variant's `currency` as GET shows it may be "
        "sent back (for a new variant, the product's currency) and is ignored; any other currency answers 400 "
        "on this item's `currency`.",
    )
    expected_stock = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        required=False,
        help_text="The stock the client read before editing (the vendor portal always sends it). If "
        "`stock` equals it, the stock is left as it is now (sales made meanwhile stand); otherwise the "
        "new stock is written only if the current stock is still `expected_stock`, else the request "
        "answers 409 `stock_changed` with `details.variants: [{id, expected_stock, stock}]` (the "
        "current stock) and changes nothing.",
    )

    REQUIRED_TO_CREATE = ("sku", "name", "price", "stock")

    def validate(self, attrs):
        if attrs.get("id") is None:
            missing = {f: ["This field is required."] for f in self.REQUIRED_TO_CREATE if f not in attrs}
            if "expected_stock" in attrs:
                missing["expected_stock"] = ["Only for an existing variant (an item with id)."]
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


ATTRIBUTES_HELP = (
    f'Free-form details, e.g. {{"material": "oak", "size": {{"ml": 350}}}}: at most {MAX_DEPTH} levels deep.'
)


class ProductInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    category = serializers.SlugField(help_text="Category slug.")
    attributes = serializers.DictField(required=False, default=dict, help_text=ATTRIBUTES_HELP)
    variants = VariantInputSerializer(many=True, required=False, default=list, max_length=100)

    def validate_attributes(self, value: dict[str, Any]) -> dict[str, Any]:
        if problem := attributes_problem(value):
            raise serializers.ValidationError(problem)
        return value


class ProductUpdateInputSerializer(ProductInputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    category = serializers.SlugField(required=False)
    attributes = serializers.DictField(required=False, help_text=ATTRIBUTES_HELP)
    variants = VariantInputSerializer(
        many=True,
        required=False,
        max_length=100,
        help_text="The whole desired list: items with id update, without id create; left-out variants are "
        "removed (archived if they have been ordered).",
    )


class VendorVariantSerializer(serializers.ModelSerializer):
    price = MoneyField()

    class Meta:
        model = Variant
        fields = ["id", "sku", "name", "price", "currency", "stock"]
        read_only_fields = fields


class VendorImageSerializer(ImageUrlsSerializer, serializers.ModelSerializer):
    class Meta:
        model = ProductImage
        fields = ["id", "url", "thumbnail_url", "alt", "width", "height", "position"]
        read_only_fields = fields


# Statuses are documented as strings: drf-spectacular would otherwise name every "status"
# enum of the API with a hash suffix.
PRODUCT_STATUS_HELP = "One of: " + ", ".join(Product.Status.values) + "."
IMPORT_STATUS_HELP = "One of: " + ", ".join(ImportJob.Status.values) + "."


class VendorProductSerializer(serializers.ModelSerializer):
    category: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.CharField(help_text=PRODUCT_STATUS_HELP)
    variants = VendorVariantSerializer(many=True)
    images = VendorImageSerializer(many=True)
    price_from = MoneyField(source="price_min", allow_null=True)
    actions = serializers.SerializerMethodField(
        help_text="What the caller may do with it now: the vendor `edit`, `add_image` (under the image limit), "
        "`submit` (draft or rejected), `delete`; none while the vendor is not approved. Staff (moderation): "
        "`approve`, `reject` while it waits for review."
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "category",
            "status",
            "rejection_reason",
            "attributes",
            "variants",
            "images",
            "price_from",
            "currency",
            "in_stock",
            "actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=["edit", "add_image", "submit", "delete", "approve", "reject"])
        )
    )
    def get_actions(self, product: Product) -> list[str]:
        return product.portal_actions(
            image_count=len(product.images.all()), max_images=settings.CATALOG_MAX_IMAGES_PER_PRODUCT
        )


class ModerationProductSerializer(VendorProductSerializer):
    vendor = SlugNameSerializer()

    class Meta(VendorProductSerializer.Meta):
        fields = [*VendorProductSerializer.Meta.fields, "vendor"]
        read_only_fields = fields

    def get_actions(self, product: Product) -> list[str]:
        return ["approve", "reject"] if product.status == Product.Status.PENDING_REVIEW else []


class RejectInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=2000)


class ImageUploadInputSerializer(serializers.Serializer):
    image = serializers.FileField(
        help_text="JPEG, PNG or WebP, checked by content; at most 10 MB (413 payload_too_large) and 40 "
        "megapixels (400). Anything else answers 415 unsupported_media_type. EXIF is removed."
    )
    alt = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ImportUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="UTF-8 CSV with the header sku, product_name, variant_name, price, stock, category, "
        "description, attributes; at most 50,000 rows. A file that is not such a CSV answers 400."
    )


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number as a spreadsheet shows it (the header is row 1).")
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text=IMPORT_STATUS_HELP)
    errors = ImportErrorSerializer(many=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "status",
            "total_rows",
            "processed_rows",
            "created",
            "updated",
            "error_count",
            "errors",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
