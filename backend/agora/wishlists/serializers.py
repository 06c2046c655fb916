from rest_framework import serializers

from agora.core.serializers import StrictInputSerializer, rating_fields
from agora.wishlists.errors import NEED_ONE

MAX_MERGE = 100


class HeartInputSerializer(StrictInputSerializer):
    variant_id = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    product = serializers.SlugField(
        max_length=240, required=False, help_text="A product's slug: its default variant is saved (a heart on a card)."
    )

    def validate(self, data):
        if ("variant_id" in data) == ("product" in data):
            raise serializers.ValidationError({"variant_id": [NEED_ONE]})
        return data


class MergeInputSerializer(StrictInputSerializer):
    items = serializers.ListField(
        child=HeartInputSerializer(), max_length=MAX_MERGE, help_text="The guest's hearts, as they were saved."
    )


class MoveToCartInputSerializer(StrictInputSerializer):
    quantity = serializers.IntegerField(min_value=1, max_value=99, required=False, default=1)


class WishlistVendorSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class WishlistProductSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    vendor = WishlistVendorSerializer()
    thumbnail = serializers.CharField(allow_null=True)
    rating_average, rating_count = rating_fields("its published reviews")


class WishlistVariantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    stock_available = serializers.IntegerField()


class WishlistEntrySerializer(serializers.Serializer):
    """A saved variant (the API renders this shape from the selector's rows)."""

    id = serializers.IntegerField()
    added_at = serializers.DateTimeField()
    product = WishlistProductSerializer()
    variant = WishlistVariantSerializer()
    available = serializers.BooleanField(help_text="Sold and in stock: it can go to the cart.")
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=["remove", "move_to_cart"]),
        help_text="`remove`, and `move_to_cart` while it is available.",
    )


class WishlistKeysSerializer(serializers.Serializer):
    variant_ids = serializers.ListField(child=serializers.IntegerField())
    products = serializers.ListField(child=serializers.CharField(), help_text="Slugs of the saved variants' products.")


class MergeResultSerializer(WishlistKeysSerializer):
    added = serializers.IntegerField(help_text="How many of the guest's hearts were new to the account.")
