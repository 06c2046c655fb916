from rest_framework import serializers

from agora.core.serializers import StrictInputSerializer, rating_fields
from agora.vendors.models import Vendor
from agora.vendors.selectors import PUBLIC_PROFILE_FIELDS


class VendorApplyInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    contact_email = serializers.EmailField(max_length=254)

    def validate_name(self, value: str) -> str:
        # A letter or digit of any script: a name without a Latin one gets a generic slug
        # ("vendor", "vendor-2"…), as the slug is ASCII for URLs.
        if not any(ch.isalnum() for ch in value):
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

    rating_average, rating_count = rating_fields("the published reviews of all its products")

    class Meta:
        model = Vendor
        fields = list(PUBLIC_PROFILE_FIELDS)
        read_only_fields = fields


class VendorPoliciesInputSerializer(StrictInputSerializer):
    handling_days = serializers.IntegerField(min_value=1, max_value=60, required=False)
    return_window_days = serializers.IntegerField(
        min_value=14, max_value=365, required=False, help_text="At least the legal 14 days."
    )
