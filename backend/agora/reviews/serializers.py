from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agora.catalog.selectors import file_url
from agora.core.serializers import StrictInputSerializer, VendorRefSerializer
from agora.orders.models import OrderLine
from agora.reviews.models import Review, ReviewPhoto
from agora.reviews.selectors import PUBLIC_ORDERINGS

# --- input ---------------------------------------------------------------------------------------


class ReviewCreateInputSerializer(StrictInputSerializer):
    order_line = serializers.IntegerField(
        min_value=1, max_value=2**62, help_text="The purchase reviewed: an order line of the caller's that shipped."
    )
    rating = serializers.IntegerField(min_value=1, max_value=5, help_text="Stars, 1 to 5.")
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=5000, help_text="The review's text.")


class ReviewUpdateInputSerializer(StrictInputSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    title = serializers.CharField(max_length=120, required=False)
    body = serializers.CharField(max_length=5000, required=False)


class ReviewPhotoInputSerializer(StrictInputSerializer):
    image = serializers.FileField(help_text="JPEG, PNG or WebP (checked by content), at most 10 MB.")


class ReplyInputSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=2000, help_text="The vendor's public answer (once per review).")


class ReviewRejectInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=500, help_text="Why; the author sees it.")


class PublicReviewQuerySerializer(serializers.Serializer):
    ordering = serializers.ChoiceField(
        choices=sorted(PUBLIC_ORDERINGS),
        required=False,
        allow_blank=True,
        default="-created_at",
        help_text="Newest first (default), `-rating` highest first, `rating` lowest first.",
    )


class MyPurchasesQuerySerializer(serializers.Serializer):
    order = serializers.CharField(
        required=False, allow_blank=True, help_text="Only the lines of this order (its number)."
    )
    to_review = serializers.BooleanField(
        required=False, default=False, help_text="Only the lines not reviewed yet (those with the `review` action)."
    )


# --- output --------------------------------------------------------------------------------------


def author_name(review: Review) -> str:
    """What the public sees of the author: first name and last initial, never the address."""
    user = review.user
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if first:
        return f"{first} {last[0]}." if last else first
    return "A verified buyer"


class ReviewPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = ReviewPhoto
        fields = ["id", "url", "thumbnail_url", "width", "height"]

    @extend_schema_field(serializers.CharField())
    def get_url(self, photo: ReviewPhoto) -> str | None:
        return file_url(photo.image.name)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail_url(self, photo: ReviewPhoto) -> str | None:
        return file_url(photo.thumbnail.name)


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField()
    replied_at = serializers.DateTimeField()


class ReviewProductSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class PublicReviewSerializer(serializers.ModelSerializer):
    """A published review as everyone sees it."""

    author = serializers.SerializerMethodField(help_text="First name and last initial.")
    verified_purchase = serializers.SerializerMethodField(help_text="Always true: only buyers can review.")
    photos = ReviewPhotoSerializer(many=True)
    reply = serializers.SerializerMethodField()
    edited = serializers.SerializerMethodField(help_text="The author changed it after writing it.")

    class Meta:
        model = Review
        fields = [
            "id",
            "rating",
            "title",
            "body",
            "author",
            "verified_purchase",
            "variant_name",
            "photos",
            "reply",
            "created_at",
            "edited",
        ]

    def get_author(self, review: Review) -> str:
        return author_name(review)

    def get_verified_purchase(self, review: Review) -> bool:
        return True

    @extend_schema_field(ReplySerializer(allow_null=True))
    def get_reply(self, review: Review) -> dict | None:
        if review.replied_at is None:
            return None
        return {"text": review.reply, "replied_at": serializers.DateTimeField().to_representation(review.replied_at)}

    def get_edited(self, review: Review) -> bool:
        return review.edited_at is not None


class StarCountSerializer(serializers.Serializer):
    stars = serializers.IntegerField()
    count = serializers.IntegerField()


class RatingSummarySerializer(serializers.Serializer):
    average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    count = serializers.IntegerField()
    stars = StarCountSerializer(many=True, help_text="Published reviews per number of stars, 5 down to 1.")


class ProductReviewsPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PublicReviewSerializer(many=True)
    rating = RatingSummarySerializer()


class MyReviewSerializer(PublicReviewSerializer):
    """The author's own review, in any status, with what they may do with it."""

    product = ReviewProductSerializer()
    order_line = serializers.IntegerField(source="order_line_id")
    order_number = serializers.CharField(source="order_line.order.number")
    actions = serializers.SerializerMethodField(
        help_text="What the author may do now: `edit`, `delete`, `add_photo` (while under the photo limit)."
    )

    class Meta(PublicReviewSerializer.Meta):
        fields = [
            *PublicReviewSerializer.Meta.fields,
            "status",
            "rejection_reason",
            "product",
            "order_line",
            "order_number",
            "actions",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=["edit", "delete", "add_photo"])))
    def get_actions(self, review: Review) -> list[str]:
        actions = ["edit", "delete"]
        if len(review.photos.all()) < settings.REVIEWS_MAX_PHOTOS:
            actions.append("add_photo")
        return actions


class VendorReviewSerializer(PublicReviewSerializer):
    """A published review of one of the vendor's products."""

    product = ReviewProductSerializer()
    actions = serializers.SerializerMethodField(help_text="`reply` while the vendor has not answered it.")

    class Meta(PublicReviewSerializer.Meta):
        fields = [*PublicReviewSerializer.Meta.fields, "product", "actions"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=["reply"])))
    def get_actions(self, review: Review) -> list[str]:
        return ["reply"] if review.replied_at is None and review.status == Review.Status.PUBLISHED else []


class StaffReviewSerializer(PublicReviewSerializer):
    """A review in the moderation queue."""

    product = ReviewProductSerializer()
    vendor = VendorRefSerializer()
    author_email = serializers.EmailField(source="user.email")
    actions = serializers.SerializerMethodField(help_text="`approve` (publish) and/or `reject`.")

    class Meta(PublicReviewSerializer.Meta):
        fields = [
            *PublicReviewSerializer.Meta.fields,
            "status",
            "hold_reasons",
            "rejection_reason",
            "product",
            "vendor",
            "author_email",
            "actions",
        ]
        extra_kwargs = {"hold_reasons": {"help_text": "Why screening held it: `link`, `word`."}}

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=["approve", "reject"])))
    def get_actions(self, review: Review) -> list[str]:
        return {
            Review.Status.PENDING: ["approve", "reject"],
            Review.Status.PUBLISHED: ["reject"],
            Review.Status.REJECTED: ["approve"],
        }[Review.Status(review.status)]


class PurchaseSerializer(serializers.ModelSerializer):
    """A line the caller bought that shipped: what they may review."""

    order_line = serializers.IntegerField(source="pk")
    order_number = serializers.CharField(source="order.number")
    product = serializers.SerializerMethodField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    review_id = serializers.SerializerMethodField(help_text="The caller's review of it; null until written.")
    actions = serializers.SerializerMethodField(help_text="`review` while it has no review.")

    class Meta:
        model = OrderLine
        fields = [
            "order_line",
            "order_number",
            "product",
            "variant_name",
            "quantity",
            "shipped_at",
            "review_id",
            "actions",
        ]

    @extend_schema_field(ReviewProductSerializer())
    def get_product(self, line: OrderLine) -> dict:
        return {"slug": line.product_slug, "name": line.product_name}

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_review_id(self, line: OrderLine) -> int | None:
        review = getattr(line, "review", None)
        return review.pk if review is not None else None

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=["review"])))
    def get_actions(self, line: OrderLine) -> list[str]:
        return [] if getattr(line, "review", None) is not None else ["review"]
