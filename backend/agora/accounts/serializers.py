from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agora.accounts.models import Address, User
from agora.accounts.selectors import user_vendor_summary
from agora.core.serializers import StrictInputSerializer


class RegisterInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


TOKEN_MODES = [("json", "json"), ("cookie", "cookie")]
MODE_HELP = (
    "`json` (default, v1): the answer carries `access` and `refresh`. `cookie` (browsers): the answer "
    "carries `access` only and the refresh token is set in an `HttpOnly; Secure; SameSite=Strict` cookie "
    "scoped to /api/v1/auth/token/refresh/, out of reach of page script."
)


class LoginInputSerializer(StrictInputSerializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    mode = serializers.ChoiceField(choices=TOKEN_MODES, default="json", help_text=MODE_HELP)
    otp_token = serializers.RegexField(
        r"^\s*\d{6,8}\s*$",
        required=False,
        help_text="Staff: the current code of their authenticator app (the admin's). Where the shop "
        "requires two factors for staff (production), the staff endpoints answer 403 to a sign-in "
        "without it; a code that does not verify fails the sign-in (401).",
    )


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField(required=False, help_text="Absent in cookie mode (it is in the cookie).")


class RefreshInputSerializer(StrictInputSerializer):
    refresh = serializers.CharField(max_length=2048)


class RefreshOptionalInputSerializer(StrictInputSerializer):
    refresh = serializers.CharField(
        max_length=2048,
        required=False,
        help_text="The refresh token (json mode). Without it the `agora_refresh` cookie is used and the "
        "answer is in cookie mode.",
    )


class PasswordResetInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PasswordResetConfirmInputSerializer(StrictInputSerializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordChangeInputSerializer(StrictInputSerializer):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)
    mode = serializers.ChoiceField(choices=TOKEN_MODES, default="json", help_text=MODE_HELP)


class EmailVerifyInputSerializer(StrictInputSerializer):
    token = serializers.CharField(max_length=512)


class EmailVerifiedSerializer(serializers.Serializer):
    email = serializers.EmailField()
    email_verified = serializers.BooleanField()


class AccountDeleteInputSerializer(StrictInputSerializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class DataExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["queued", "ready", "failed", "expired"])
    requested_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField(help_text="Present once ready: GET it with your token.")

    def get_download_url(self, export) -> str | None:
        if export.status != "ready":
            return None
        return f"/api/v1/me/export/{export.pk}/download/"


class VendorSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=["pending", "approved", "suspended"])
    role = serializers.ChoiceField(choices=["owner", "staff"])


class UserSerializer(serializers.ModelSerializer):
    vendor = serializers.SerializerMethodField()
    email_verified = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "email_verified", "first_name", "last_name", "is_staff", "vendor", "date_joined"]
        read_only_fields = fields

    @extend_schema_field(VendorSummarySerializer(allow_null=True))
    def get_vendor(self, user: User):
        return user_vendor_summary(user)


class MeUpdateInputSerializer(StrictInputSerializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["id", "full_name", "line1", "line2", "city", "postal_code", "country", "phone", "is_default"]
        read_only_fields = ["id"]


class PostalAddressInputSerializer(StrictInputSerializer):
    """The postal fields of an address, shared by saved addresses and a checkout's shipping address."""

    full_name = serializers.CharField(max_length=200)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20)
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", max_length=2, error_messages={"invalid": "Use a two-letter ISO country code."}
    )
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    def validate_country(self, value: str) -> str:
        return value.upper()


class AddressInputSerializer(PostalAddressInputSerializer):
    is_default = serializers.BooleanField(required=False, default=False)
