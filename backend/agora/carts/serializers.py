from typing import Any

from rest_framework import serializers

from agora.carts.errors import MAX_QUANTITY
from agora.carts.selectors import CartView
from agora.core.money import money_text
from agora.core.serializers import MoneyField, StrictInputSerializer, datetime_text

BIGINT_MAX = 2**63 - 1


class CartItemAddInputSerializer(StrictInputSerializer):
    variant_id = serializers.IntegerField(min_value=1, max_value=BIGINT_MAX)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class CartItemUpdateInputSerializer(StrictInputSerializer):
    whole_on_patch = True  # the PATCH sets the quantity: required (agora.core.schema)

    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class CartMergeInputSerializer(StrictInputSerializer):
    token = serializers.CharField(max_length=64, help_text="The guest cart's token (its X-Cart-Token).")


class CartVariantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    product_slug = serializers.CharField()
    product_name = serializers.CharField()


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant = CartVariantSerializer()
    quantity = serializers.IntegerField()
    unit_price = MoneyField(help_text="Current price; checkout charges this.")
    line_total = MoneyField()
    currency = serializers.CharField()
    price_when_added = MoneyField()
    price_changed = serializers.BooleanField(help_text="The price moved since the line was added or last changed.")
    stock_available = serializers.IntegerField()
    available = serializers.BooleanField(help_text="False when the line cannot be bought as it stands.")
    problem = serializers.ChoiceField(
        choices=["unavailable", "insufficient_stock"],
        allow_null=True,
        help_text="`unavailable`: the variant, its product or its vendor is no longer sold; "
        "`insufficient_stock`: fewer units left than the line asks for (see stock_available).",
    )


class CartSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Guests send it back as the X-Cart-Token header.")
    items = CartLineSerializer(many=True)
    subtotal = MoneyField(help_text="Sum of the available lines.")
    currency = serializers.CharField()
    item_count = serializers.IntegerField(help_text="Units in the available lines.")
    has_problems = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


def cart_data(view: CartView) -> dict[str, Any]:
    """CartSerializer's output built directly (no serializer per request: building CartSerializer
    and its nested fields was a large share of an add to cart; the schema still comes from
    CartSerializer, and a test keeps both outputs equal)."""
    return {
        "token": view["token"],
        "items": [
            {
                "id": line["id"],
                "variant": dict(line["variant"]),
                "quantity": line["quantity"],
                "unit_price": money_text(line["unit_price"]),
                "line_total": money_text(line["line_total"]),
                "currency": line["currency"],
                "price_when_added": money_text(line["price_when_added"]),
                "price_changed": line["price_changed"],
                "stock_available": line["stock_available"],
                "available": line["available"],
                "problem": line["problem"],
            }
            for line in view["items"]
        ],
        "subtotal": money_text(view["subtotal"]),
        "currency": view["currency"],
        "item_count": view["item_count"],
        "has_problems": view["has_problems"],
        "updated_at": datetime_text(view["updated_at"]),
    }
