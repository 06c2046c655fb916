from rest_framework import serializers

from agora.core.serializers import StrictInputSerializer
from agora.vendors.models import Vendor


class VendorApplyInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    contact_email = serializers.EmailField(max_length=254)

    def validate_name(self, value: str) -> str:
        from django.utils.text import slugify

        if not slugify(value):
            raise serializers.ValidationError("Use at least one letter or digit.")
        return value.strip()


class VendorSerializer(serializers.ModelSerializer):
    """The vendor as its owner and staff see it."""

    class Meta:
        model = Vendor
        fields = [
            "slug",
            "name",
            "description",
            "contact_email",
            "status",
            "commission_rate",
            "handling_days",
            "return_window_days",
            "created_at",
        ]
        read_only_fields = fields


class VendorPublicSerializer(serializers.ModelSerializer):
    """The public profile (the API renders the same shape from the cached selector; this is the
    schema and the reference the contract test compares against)."""

    rating_average = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        allow_null=True,
        help_text="Average stars (1 to 5) of the published reviews of all its products; null without reviews.",
    )
    rating_count = serializers.IntegerField(help_text="How many published reviews the average is over.")

    class Meta:
        model = Vendor
        fields = [
            "slug",
            "name",
            "description",
            "handling_days",
            "return_window_days",
            "rating_average",
            "rating_count",
            "created_at",
            "approved_at",
        ]
        read_only_fields = fields


class VendorPoliciesInputSerializer(StrictInputSerializer):
    handling_days = serializers.IntegerField(min_value=1, max_value=60, required=False)
    return_window_days = serializers.IntegerField(
        min_value=14, max_value=365, required=False, help_text="At least the legal 14 days."
    )
