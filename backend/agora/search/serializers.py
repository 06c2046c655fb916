from django.core.files.storage import default_storage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agora.core.serializers import MoneyField, StrictInputSerializer
from agora.search.types import MAX_QUERY_LENGTH, MAX_RESULT_WINDOW, MAX_SUGGEST_LENGTH, ORDERINGS

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
PRICE_RANGE_REVERSED = "max_price must be greater than or equal to min_price."
PAGE_TOO_DEEP = f"Only the first {MAX_RESULT_WINDOW} results can be paged through; narrow the search."


class SearchInputSerializer(StrictInputSerializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_LENGTH,
        default="",
        help_text="Words to search for (typo tolerant; the last word also matches as a prefix). "
        "Empty: a filtered listing of every public product, newest first.",
    )
    category = serializers.CharField(
        required=False, allow_blank=True, max_length=140, help_text="Category slug; includes its descendants."
    )
    vendor = serializers.CharField(required=False, allow_blank=True, max_length=140, help_text="Vendor slug.")
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
    ordering = serializers.ChoiceField(
        choices=ORDERINGS,
        required=False,
        allow_blank=True,
        help_text="Default: relevance (then id) with `q`, newest first without. "
        "`-rating`: best rated first (unrated last, more reviews first on a tie).",
    )
    page = serializers.IntegerField(min_value=1, default=1)
    page_size = serializers.IntegerField(
        min_value=1, default=DEFAULT_PAGE_SIZE, help_text=f"At most {MAX_PAGE_SIZE}; larger values are clamped."
    )

    def validate_q(self, value: str) -> str:
        return " ".join(value.split())

    def validate_page_size(self, value: int) -> int:
        return min(value, MAX_PAGE_SIZE)

    def validate(self, data):
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError({"max_price": [PRICE_RANGE_REVERSED]})
        if data["page"] * data["page_size"] > MAX_RESULT_WINDOW:
            raise serializers.ValidationError({"page": [PAGE_TOO_DEEP]})
        return data


class SuggestInputSerializer(StrictInputSerializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_SUGGEST_LENGTH, default="", help_text="What was typed so far."
    )


class _SlugNameSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    vendor = _SlugNameSerializer()
    category = _SlugNameSerializer()
    price_from = MoneyField(allow_null=True)
    currency = serializers.CharField()
    in_stock = serializers.BooleanField()
    rating_average = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        allow_null=True,
        help_text="Average stars (1 to 5) of its published reviews; null without reviews.",
    )
    rating_count = serializers.IntegerField(help_text="How many published reviews the average is over.")
    thumbnail = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail(self, obj) -> str | None:
        return default_storage.url(obj["thumbnail"]) if obj.get("thumbnail") else None


class FacetBucketSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class PriceBucketSerializer(serializers.Serializer):
    min = MoneyField()
    max = MoneyField(allow_null=True, help_text="Exclusive; null for the open top band.")
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    category = FacetBucketSerializer(many=True)
    vendor = FacetBucketSerializer(many=True)
    price = PriceBucketSerializer(many=True)


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHitSerializer(many=True)
    facets = FacetsSerializer()


class SuggestionSerializer(serializers.Serializer):
    text = serializers.CharField()
    slug = serializers.CharField()


class SuggestResponseSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
