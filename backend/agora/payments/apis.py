from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.core.schema import ERRORS
from agora.payments import selectors, services


def stripe_webhook_schema(name: str, description: str):
    """The OpenAPI description of a signed webhook's POST, its answer named ``name``."""
    return extend_schema_view(
        post=extend_schema(
            tags=["payments"],
            request=OpenApiTypes.OBJECT,
            parameters=[OpenApiParameter("Stripe-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True)],
            responses={
                200: inline_serializer(
                    name, {"received": serializers.BooleanField(), "outcome": serializers.CharField()}
                ),
                **ERRORS(400),
            },
            description=description,
        )
    )


class StripeSignedWebhookApi(APIView):
    """A Stripe webhook: the signature is the authentication (no session, no token). The answer
    says what the delivery did; an event id seen before answers 200 and changes nothing."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def receive(self, request) -> str:
        raise NotImplementedError

    def post(self, request):
        return Response({"received": True, "outcome": self.receive(request)})


@stripe_webhook_schema(
    "WebhookReceived",
    "Stripe events (`payment_intent.succeeded`, `payment_intent.payment_failed`, "
    "`payment_intent.canceled`, `charge.refunded`). A bad signature is 400; an event id seen "
    "before answers 200 and changes nothing.",
)
class StripeWebhookApi(StripeSignedWebhookApi):
    """Stripe calls this; the signature (Stripe-Signature, STRIPE_WEBHOOK_SECRET) is the authentication."""

    def receive(self, request) -> str:
        return services.webhook_receive(gateway_name="stripe", payload=request.body, headers=request.headers)


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
