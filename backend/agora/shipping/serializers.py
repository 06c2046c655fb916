from decimal import Decimal

from rest_framework import serializers

from agora.core.serializers import MoneyField, StrictInputSerializer, VendorRefSerializer
from agora.shipping.models import OFFER_FIELDS, ShippingMethod, VendorShippingMethod


def country_field() -> serializers.RegexField:
    return serializers.RegexField(r"^[A-Za-z]{2}$", error_messages={"invalid": "Use a two-letter country code."})


class ShippingMethodSerializer(serializers.ModelSerializer):
    """A platform method (what v1's `shipping_method` names)."""

    price = MoneyField()
    free_above = MoneyField(allow_null=True)

    class Meta:
        model = ShippingMethod
        fields = OFFER_FIELDS


class OfferedMethodSerializer(serializers.Serializer):
    """A method a vendor offers, as its storefront shows it."""

    code = serializers.CharField()
    name = serializers.CharField()
    price = MoneyField()
    currency = serializers.CharField()
    countries = serializers.ListField(
        child=serializers.CharField(), help_text="ISO country codes it ships to; empty means everywhere."
    )
    free_above = MoneyField(allow_null=True, help_text="Free for a parcel of at least this subtotal.")
    delivery_days_min = serializers.IntegerField()
    delivery_days_max = serializers.IntegerField()


class VendorShippingMethodSerializer(serializers.ModelSerializer):
    price = MoneyField()
    free_above = MoneyField(allow_null=True)

    class Meta:
        model = VendorShippingMethod
        fields = ("id", *OFFER_FIELDS, "is_active", "position")
        read_only_fields = ["id", "currency"]


class VendorShippingMethodInputSerializer(StrictInputSerializer):
    code = serializers.SlugField(max_length=32, help_text="Unique among your methods; e.g. `standard`, `express`.")
    name = serializers.CharField(max_length=100)
    price = MoneyField(max_digits=10, min_value=Decimal("0"))
    countries = serializers.ListField(
        child=country_field(),
        max_length=300,
        required=False,
        default=list,
        help_text="Two-letter codes it ships to; empty for everywhere.",
    )
    free_above = MoneyField(
        max_digits=10,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="Free when your part of the order reaches this subtotal.",
    )
    delivery_days_min = serializers.IntegerField(min_value=0, max_value=90, required=False, default=2)
    delivery_days_max = serializers.IntegerField(min_value=0, max_value=90, required=False, default=5)
    is_active = serializers.BooleanField(required=False, default=True)
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False, default=0)

    def validate_countries(self, value: list[str]) -> list[str]:
        return sorted({c.upper() for c in value})


class VendorShippingMethodUpdateInputSerializer(VendorShippingMethodInputSerializer):
    code = serializers.SlugField(max_length=32, required=False)
    name = serializers.CharField(max_length=100, required=False)
    price = MoneyField(max_digits=10, min_value=Decimal("0"), required=False)
    countries = serializers.ListField(child=country_field(), max_length=300, required=False)
    delivery_days_min = serializers.IntegerField(min_value=0, max_value=90, required=False)
    delivery_days_max = serializers.IntegerField(min_value=0, max_value=90, required=False)
    is_active = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class ShippingOptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    price = MoneyField(help_text="What this vendor's parcel costs with this method (0.00 when free).")
    list_price = MoneyField(help_text="The method's price before free shipping.")
    currency = serializers.CharField()
    free_above = MoneyField(allow_null=True)
    delivery_days_min = serializers.IntegerField()
    delivery_days_max = serializers.IntegerField()
    ships_to_country = serializers.BooleanField(
        allow_null=True, help_text="Whether it ships to `country` (null when no country was given)."
    )


class VendorShippingOptionsSerializer(serializers.Serializer):
    vendor = VendorRefSerializer()
    variant_ids = serializers.ListField(child=serializers.IntegerField(), help_text="The cart lines concerned.")
    subtotal = MoneyField()
    currency = serializers.CharField()
    options = ShippingOptionSerializer(many=True)


class ShippingOptionsQuerySerializer(serializers.Serializer):
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, help_text="Two-letter country code of the shipping address."
    )
