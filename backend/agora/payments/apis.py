from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.core.schema import ERRORS
from agora.payments import selectors, services


class StripeWebhookApi(APIView):
    """Stripe calls this; the signature (Stripe-Signature, STRIPE_WEBHOOK_SECRET) is the authentication."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["payments"],
        request=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter("Stripe-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True)],
        responses={
            200: inline_serializer(
                "WebhookReceived", {"received": serializers.BooleanField(), "outcome": serializers.CharField()}
            ),
            **ERRORS(400),
        },
        description="Stripe events (`payment_intent.succeeded`, `payment_intent.payment_failed`, "
        "`payment_intent.canceled`, `charge.refunded`). A bad signature is 400; an event id seen "
        "before answers 200 and changes nothing.",
    )
    def post(self, request):
        outcome = services.webhook_receive(gateway_name="stripe", payload=request.body, headers=request.headers)
        return Response({"received": True, "outcome": outcome})


class PaymentMethodSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The value to send as the checkout's `payment_method`.")
    name = serializers.CharField()
    test = serializers.BooleanField(help_text="True for the test gateway (never offered in production).")
    publishable_key = serializers.CharField(
        allow_null=True, help_text="Stripe: the publishable key Stripe.js confirms payments with."
    )


class PaymentMethodListApi(APIView):
    """What checkout accepts now (the storefront offers exactly these)."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["checkout"], responses={200: PaymentMethodSerializer(many=True)})
    def get(self, request):
        return Response(PaymentMethodSerializer(selectors.payment_method_list(), many=True).data)
