from django.core.files.storage import default_storage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agora.catalog.attributes import attribute_key, attribute_value
from agora.catalog.serializers import ListingFilters
from agora.core.serializers import MoneyField, StrictInputSerializer, rating_fields
from agora.search.rules import current_rules
from agora.search.types import (
    MAX_ATTRIBUTE_FILTERS,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    MAX_SUGGEST_LENGTH,
    ONE_TYPO_FROM,
    ORDERINGS,
    TWO_TYPOS_FROM,
    page_reachable,
)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
PRICE_RANGE_REVERSED = "max_price must be greater than or equal to min_price."
PAGE_TOO_DEEP = f"Only the first {MAX_RESULT_WINDOW} results can be paged through; narrow the search."
ATTRIBUTE_FORMAT = 'Write an attribute filter as key:value ("material:oak").'
ATTRIBUTE_NOT_FILTERABLE = "Not a filterable attribute: {key}."


class SearchInputSerializer(ListingFilters):
    """Query parameters of /api/v1/search/: `q` plus the product list's. Like the product list it
    ignores parameters it does not use (a cache buster, a campaign tag): they neither fail the
    request nor take part in the cached answer's key."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_LENGTH,
        default="",
        help_text=f"Words to search for. Stop words are left out; synonyms are found too; the last word also "
        f"matches as a prefix; a word the catalog does not know is corrected (one edit from {ONE_TYPO_FROM} letters, "
        f"two from {TWO_TYPOS_FROM}, a swap of neighbours is one edit; never words with digits); when the words "
        "together match nothing, the least informative are left out. Empty: a filtered listing of every public "
        "product, newest first.",
    )
    exact = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Search the words as typed: no typo corrections, and no words left out when they match "
        'nothing together (the storefront\'s "search instead for" link).',
    )
    attribute = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=list,
        max_length=MAX_ATTRIBUTE_FILTERS,
        help_text="Attribute filters, repeatable: `attribute=material:oak&attribute=colour:blue`. Values of one "
        "attribute are alternatives (any of them), different attributes must all match. Only filterable "
        "attributes (the ones `facets.attributes` lists).",
    )
    category = serializers.CharField(
        required=False, allow_blank=True, max_length=140, help_text="Category slug; includes its descendants."
    )
    vendor = serializers.CharField(required=False, allow_blank=True, max_length=140, help_text="Vendor slug.")
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

    def validate_attribute(self, value: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """key:value pairs → ((key, (values…)), …), keys normalised, sorted (a stable cache key)."""
        if not value:
            return ()
        filterable = {a.key for a in current_rules().attributes}
        chosen: dict[str, set[str]] = {}
        errors: list[str] = []
        for item in value:
            raw_key, colon, raw_value = item.partition(":")
            key, cleaned = attribute_key(raw_key), attribute_value(raw_value)
            if not colon or not key or cleaned is None:
                errors.append(ATTRIBUTE_FORMAT)
            elif key not in filterable:
                errors.append(ATTRIBUTE_NOT_FILTERABLE.format(key=key))
            else:
                chosen.setdefault(key, set()).add(cleaned)
        if errors:
            raise serializers.ValidationError(sorted(set(errors)))
        return tuple((key, tuple(sorted(values))) for key, values in sorted(chosen.items()))

    def validate(self, data):
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError({"max_price": [PRICE_RANGE_REVERSED]})
        if not page_reachable(data["page"], data["page_size"]):
            raise serializers.ValidationError({"page": [PAGE_TOO_DEEP]})
        return data


class SuggestInputSerializer(serializers.Serializer):
    """Query parameters of /api/v1/search/suggest/; others are ignored, as by search."""

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
    rating_average, rating_count = rating_fields("its published reviews")
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


class AttributeValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="Filter by it with `attribute=<key>:<value>`.")
    count = serializers.IntegerField()


class AttributeFacetSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    values = AttributeValueSerializer(
        many=True,
        help_text="The most common values first (at most 20). The attribute's own selection is not applied to "
        "its counts: they say how many products each value adds.",
    )


class FacetsSerializer(serializers.Serializer):
    category = FacetBucketSerializer(many=True)
    vendor = FacetBucketSerializer(many=True)
    price = PriceBucketSerializer(many=True)
    attributes = AttributeFacetSerializer(
        many=True, help_text="Filterable attributes found in the results, in the order staff set."
    )


class CorrectionSerializer(serializers.Serializer):
    word = serializers.CharField(help_text="A word as typed.")
    correction = serializers.CharField(help_text="The word it was taken for.")


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHitSerializer(many=True)
    facets = FacetsSerializer()
    corrected_query = serializers.CharField(
        allow_null=True,
        help_text='The words searched for, with typos corrected ("Showing results for …"); null when nothing '
        "was corrected. Search with `exact=true` for the words as typed.",
    )
    corrections = CorrectionSerializer(many=True, help_text="Each corrected word, in the order typed.")
    dropped_words = serializers.ListField(
        child=serializers.CharField(),
        help_text="Words left out because they matched nothing, or nothing together with the others.",
    )


class QueryStatsInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(
        choices=["zero", "partial", "low"],
        required=False,
        allow_blank=True,
        help_text="zero: no results; partial: some words were left out; low: few results. Default: all.",
    )
    days = serializers.IntegerField(min_value=1, max_value=365, default=30, help_text="The last N days (default 30).")
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, required=False, help_text="At most 100; larger is clamped.")


class QueryStatSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="The words searched for (lower case), nothing else about the search.")
    kind = serializers.ChoiceField(choices=["zero", "partial", "low"])
    count = serializers.IntegerField(
        help_text="Sampled searches (SEARCH_QUERY_LOG_SAMPLE_RATE of all): compare queries, not totals."
    )
    days = serializers.IntegerField(help_text="Days it was searched on.")
    last_seen = serializers.DateField()


class SuggestionSerializer(serializers.Serializer):
    text = serializers.CharField()
    slug = serializers.CharField()


class SuggestResponseSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
