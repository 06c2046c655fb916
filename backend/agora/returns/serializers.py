from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agora.core.serializers import MoneyField, StrictInputSerializer, VendorRefSerializer
from agora.returns.models import ReturnRequest
from agora.returns.services import RETURNS

STATUS_HELP = (
    "requested → approved | rejected (vendor); rejected → disputed (shopper); disputed → approved | closed "
    "(staff); approved → refunded (vendor, on receipt). One of: " + ", ".join(ReturnRequest.Status.values) + "."
)


class LineQuantityInputSerializer(StrictInputSerializer):
    line = serializers.IntegerField(min_value=1, max_value=2**62, help_text="An order line id.")
    quantity = serializers.IntegerField(min_value=1, max_value=99)


class CancelLinesInputSerializer(StrictInputSerializer):
    lines = serializers.ListField(
        child=LineQuantityInputSerializer(),
        required=False,
        max_length=200,
        help_text="What to cancel; leave out to cancel all that is open.",
    )
    reason = serializers.CharField(max_length=200, help_text="Required: the shopper reads it.")


class StaffCancelInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=200)


class ReturnCreateInputSerializer(StrictInputSerializer):
    vendor_order = serializers.IntegerField(min_value=1, max_value=2**62, help_text="The sub-order's id.")
    lines = serializers.ListField(child=LineQuantityInputSerializer(), min_length=1, max_length=200)
    reason = serializers.CharField(max_length=2000)


class ReasonInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=2000)


class NoteInputSerializer(StrictInputSerializer):
    note = serializers.CharField(max_length=500)


class DecideInputSerializer(StrictInputSerializer):
    approve = serializers.BooleanField(help_text="true: the return goes ahead; false: the refusal stands (closed).")
    note = serializers.CharField(max_length=500)


class ReturnRefundInputSerializer(StrictInputSerializer):
    amount = MoneyField(
        max_digits=10,
        min_value=Decimal("0.01"),
        required=False,
        help_text="Default: the returned lines' value. Less for items that came back damaged.",
    )
    restock = serializers.BooleanField(required=False, default=False, help_text="Put the units back on sale.")


class ReturnLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(source="order_line_id")
    name = serializers.SerializerMethodField()
    quantity = serializers.IntegerField()
    unit_price = MoneyField(source="order_line.unit_price")

    def get_name(self, line) -> str:
        return f"{line.order_line.product_name} — {line.order_line.variant_name}"


class RefundSummarySerializer(serializers.Serializer):
    amount = MoneyField()
    currency = serializers.CharField()
    status = serializers.CharField()


class ReturnSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number")
    vendor = VendorRefSerializer(source="vendor_order.vendor")
    vendor_order_id = serializers.IntegerField()
    status = serializers.CharField(help_text=STATUS_HELP)
    lines = ReturnLineSerializer(many=True)
    refund = RefundSummarySerializer(allow_null=True)
    actions = serializers.SerializerMethodField(
        help_text="What the caller may do now (server-computed): dispute (shopper), approve / reject / refund "
        "(vendor), decide (staff)."
    )

    class Meta:
        model = ReturnRequest
        fields = [
            "id",
            "order_number",
            "vendor",
            "vendor_order_id",
            "status",
            "reason",
            "vendor_note",
            "dispute_reason",
            "staff_note",
            "lines",
            "refund",
            "restocked",
            "created_at",
            "refunded_at",
            "actions",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, request: ReturnRequest) -> list[str]:
        role = self.context.get("role", "shopper")
        status = request.status
        moves = {
            "shopper": [("dispute", ReturnRequest.Status.DISPUTED)],
            "vendor": [
                ("approve", ReturnRequest.Status.APPROVED),
                ("reject", ReturnRequest.Status.REJECTED),
                ("refund", ReturnRequest.Status.REFUNDED),
            ],
            # Staff settle disputes (POST moderation/returns/{id}/decide/); the vendor refunds.
            "staff": [("decide", ReturnRequest.Status.APPROVED)],
        }[role]
        allowed = []
        for action, to in moves:
            if not RETURNS.can(status, to):
                continue
            if role == "vendor" and action == "approve" and status != ReturnRequest.Status.REQUESTED:
                continue  # a disputed return is staff's to decide
            if role == "staff" and status != ReturnRequest.Status.DISPUTED:
                continue  # a new request is the vendor's to answer
            allowed.append(action)
        return allowed


class ReturnableLineSerializer(serializers.Serializer):
    vendor_order_id = serializers.IntegerField()
    vendor = VendorRefSerializer()
    line_id = serializers.IntegerField()
    name = serializers.CharField()
    quantity = serializers.IntegerField(help_text="Units that may still be returned (0 once the window closed).")
    until = serializers.DateTimeField(help_text="The end of the return window for this line.")


class OrderReturnsSerializer(serializers.Serializer):
    returnable = ReturnableLineSerializer(many=True)
    returns = ReturnSerializer(many=True)
