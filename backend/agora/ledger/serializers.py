from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agora.core.serializers import MoneyField
from agora.ledger.models import LedgerEntry

TYPES = list(LedgerEntry.Type.values)


class LedgerQuerySerializer(serializers.Serializer):
    """Filters of the vendor's ledger (``page``/``page_size`` are the paginator's)."""

    type = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=f"One type or several, comma-separated: {', '.join(TYPES)}.",
    )
    date_from = serializers.DateField(required=False, allow_null=True, help_text="Booked on or after (YYYY-MM-DD).")
    date_to = serializers.DateField(required=False, allow_null=True, help_text="Booked on or before (YYYY-MM-DD).")
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False, allow_blank=True)

    def validate_type(self, value: str) -> list[str]:
        types = [t.strip() for t in value.split(",") if t.strip()]
        unknown = sorted(set(types) - set(TYPES))
        if unknown:
            raise serializers.ValidationError(f"Unknown type(s): {', '.join(unknown)}. One of: {', '.join(TYPES)}.")
        return types

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": ["Must not be before date_from."]})
        return attrs


class LedgerEntrySerializer(serializers.ModelSerializer):
    amount = MoneyField(help_text="Signed: + owed to you, - owed by you (commission, refunds, payouts).")
    type = serializers.CharField(help_text=f"One of: {', '.join(TYPES)}.")
    order_number = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField(help_text="`pending` (held until available_at) or `available`.")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "type",
            "amount",
            "currency",
            "state",
            "available_at",
            "created_at",
            "order_number",
            "vendor_order_id",
            "refund_id",
            "payout_id",
            "reason",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_order_number(self, obj: LedgerEntry) -> str | None:
        return obj.order.number if obj.order_id and obj.order else None

    @extend_schema_field(serializers.ChoiceField(choices=["pending", "available"]))
    def get_state(self, obj: LedgerEntry) -> str:
        return "pending" if obj.available_at > self.context.get("now", timezone.now()) else "available"


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    pending = MoneyField(help_text="Held: sales until shipment + the hold period.")
    available = MoneyField(help_text="May be paid out now (negative: carried into the next payout).")
    paid_out = MoneyField(help_text="Transferred to you so far, net of reversals.")
    in_transit = MoneyField(
        help_text="Payouts on their way: made from your balance (taken off `available`), the transfer not done yet."
    )
    total = MoneyField(help_text="pending + available: the sum of every entry.")


class BalancesSerializer(serializers.Serializer):
    balances = BalanceSerializer(many=True)
    hold_days = serializers.IntegerField(help_text="Days a sale is held after shipment before it is available.")


class EarningsQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1, max_value=366, default=90)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False, allow_blank=True)


class DailyPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    sales = MoneyField(help_text="Goods and shipping share booked that day (shipments).")
    payouts = MoneyField(
        help_text="Paid out (transferred) that day, net of reversals; a payout still on its way is not."
    )


class EarningsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    days = serializers.IntegerField()
    points = DailyPointSerializer(many=True)


class StatementMonthSerializer(serializers.Serializer):
    month = serializers.SerializerMethodField(help_text="YYYY-MM")
    entries = serializers.IntegerField()

    def get_month(self, obj: dict) -> str:
        return obj["month"].strftime("%Y-%m")


class StatementCurrencySerializer(serializers.Serializer):
    currency = serializers.CharField()
    opening_balance = MoneyField()
    closing_balance = MoneyField()
    totals = serializers.DictField(child=MoneyField(), help_text="The month's sum per entry type.")


class StatementSerializer(serializers.Serializer):
    month = serializers.CharField(source="label")
    vendor = serializers.CharField(source="vendor.name")
    currencies = StatementCurrencySerializer(many=True)
    entries = LedgerEntrySerializer(many=True)
