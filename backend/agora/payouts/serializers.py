from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agora.core.serializers import MoneyField, StrictInputSerializer
from agora.ledger.serializers import LedgerEntrySerializer
from agora.payouts.models import Payout, PayoutAccount

PAYOUT_STATUSES = list(Payout.Status.values)


class PayoutAccountSerializer(serializers.Serializer):
    """Where the vendor's payouts go, and what the provider allows."""

    # Statuses are strings listing their values (the project's convention: as enums, every
    # "status" choice set would collide in the schema's names).
    status = serializers.CharField(
        help_text="One of: not_connected (no account yet), onboarding (details not submitted), restricted "
        "(submitted, the provider does not allow payouts yet), enabled.",
    )
    provider = serializers.CharField(allow_null=True)
    account_id = serializers.CharField(allow_null=True)
    details_submitted = serializers.BooleanField()
    payouts_enabled = serializers.BooleanField()
    schedule = serializers.ChoiceField(choices=list(PayoutAccount.Schedule.values), allow_null=True)
    weekly_anchor = serializers.CharField(allow_null=True, help_text="Weekly schedule: the weekday payouts are made.")
    on_hold = serializers.BooleanField(help_text="Staff hold your payouts for now (see hold_reason).")
    hold_reason = serializers.CharField(allow_null=True)
    minimum_amount = MoneyField(help_text="Balances below this are carried into the next payout.")


class OnboardingLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Open it to finish onboarding at the payout provider.")
    account = PayoutAccountSerializer()


class DummyOnboardingInputSerializer(StrictInputSerializer):
    account = serializers.CharField(max_length=255)


class PayoutSerializer(serializers.ModelSerializer):
    amount = MoneyField()
    amount_reversed = MoneyField()
    status = serializers.CharField(help_text=f"One of: {', '.join(PAYOUT_STATUSES)}.")
    entry_count = serializers.IntegerField(help_text="How many ledger entries it paid.")

    class Meta:
        model = Payout
        fields = [
            "id",
            "amount",
            "currency",
            "status",
            "amount_reversed",
            "transfer_id",
            "failure_reason",
            "entry_count",
            "created_at",
            "sent_at",
        ]


class PayoutDetailSerializer(PayoutSerializer):
    entries = serializers.SerializerMethodField(help_text="The ledger entries it paid.")

    class Meta(PayoutSerializer.Meta):
        fields = [*PayoutSerializer.Meta.fields, "entries"]

    @extend_schema_field(LedgerEntrySerializer(many=True))
    def get_entries(self, obj: Payout) -> Any:
        return LedgerEntrySerializer(self.context["entries"], many=True).data


class PayoutQuerySerializer(serializers.Serializer):
    status = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text=f"One of: {', '.join(PAYOUT_STATUSES)}."
    )

    def validate_status(self, value: str) -> str:
        if value and value not in PAYOUT_STATUSES:
            raise serializers.ValidationError(f"One of: {', '.join(PAYOUT_STATUSES)}.")
        return value
