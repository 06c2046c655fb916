"""Payouts in the vendor portal (the caller's vendor only) and the Connect webhook."""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.core.errors import NotFound
from agora.core.pagination import PAGE_PARAMETERS, paginated_response
from agora.core.schema import ERRORS, ErrorSerializer, paginated
from agora.core.serializers import validated
from agora.payments.apis import StripeSignedWebhookApi, stripe_webhook_schema
from agora.payouts import selectors, services
from agora.payouts.errors import NotVendorOwner
from agora.payouts.models import PayoutAccount
from agora.payouts.serializers import (
    DummyOnboardingInputSerializer,
    OnboardingLinkSerializer,
    PayoutAccountSerializer,
    PayoutDetailSerializer,
    PayoutQuerySerializer,
    PayoutSerializer,
)
from agora.vendors.models import VendorMembership
from agora.vendors.permissions import IsApprovedVendor, IsVendorMember

TAGS = ["vendor money"]


def _account_data(vendor, account: PayoutAccount | None) -> dict:
    hold = selectors.active_hold_for(vendor=vendor)
    return {
        "status": account.status if account else "not_connected",
        "provider": account.provider if account else None,
        "account_id": account.account_id if account else None,
        "details_submitted": bool(account and account.details_submitted),
        "payouts_enabled": bool(account and account.payouts_enabled),
        "schedule": account.schedule if account else None,
        "weekly_anchor": account.get_weekly_anchor_display() if account else None,
        "on_hold": hold is not None,
        "hold_reason": hold.reason if hold else None,
        "minimum_amount": settings.PAYOUT_MINIMUM_AMOUNT,
    }


class PayoutAccountApi(APIView):
    def get_permissions(self):
        return [IsApprovedVendor()] if self.request.method == "POST" else [IsVendorMember()]

    @extend_schema(tags=TAGS, responses={200: PayoutAccountSerializer, **ERRORS(401, 403)})
    def get(self, request):
        account = selectors.payout_account_for(vendor=request.vendor)
        return Response(PayoutAccountSerializer(_account_data(request.vendor, account)).data)

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={
            200: OnboardingLinkSerializer,
            **ERRORS(401),
            403: OpenApiResponse(ErrorSerializer, description="not_a_vendor / vendor_not_approved / not_vendor_owner"),
            503: OpenApiResponse(ErrorSerializer, description="payout_provider_unavailable"),
        },
        description="Connects a payout account (a Stripe Express account, created the first time) and "
        "answers a fresh onboarding link: open it to give the provider your bank details. When the "
        "provider enables payouts, `status` becomes `enabled`. Only the owner of an approved vendor "
        "may do this (403 `not_vendor_owner` for its staff, `vendor_not_approved` while the vendor is "
        "not approved). The payout provider not answering is 503 `payout_provider_unavailable`: no "
        "link this time, try again shortly.",
    )
    def post(self, request):
        role = VendorMembership.objects.filter(user=request.user).values_list("role", flat=True).first()
        if role != VendorMembership.Role.OWNER:
            raise NotVendorOwner()
        back = request.build_absolute_uri("/vendor/payouts")
        account, url = services.payout_account_connect(
            vendor=request.vendor, return_url=f"{back}?onboarding=return", refresh_url=f"{back}?onboarding=refresh"
        )
        return Response(OnboardingLinkSerializer({"url": url, "account": _account_data(request.vendor, account)}).data)


class DummyOnboardingApi(APIView):
    permission_classes = [IsApprovedVendor]

    @extend_schema(
        tags=TAGS,
        request=DummyOnboardingInputSerializer,
        responses={200: PayoutAccountSerializer, **ERRORS(400, 401, 403, 404)},
        description="Only with the dummy payout provider (local runs and tests; 404 otherwise): completes "
        "onboarding of your own account, as the provider's onboarding and its `account.updated` would.",
    )
    def post(self, request):
        if settings.PAYOUT_PROVIDER != "dummy":
            raise NotFound()
        data = validated(DummyOnboardingInputSerializer, request.data)
        account = services.dummy_onboarding_complete(vendor=request.vendor, account_id=data["account"])
        return Response(PayoutAccountSerializer(_account_data(request.vendor, account)).data)


class PayoutListApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=TAGS,
        operation_id="vendor_payouts_list",
        parameters=[PayoutQuerySerializer, *PAGE_PARAMETERS],
        responses={200: paginated(PayoutSerializer, "PaginatedPayoutList"), **ERRORS(400, 401, 403, 404)},
        description="Your payouts, newest first: `pending` (sent to the provider), `paid`, `failed` or "
        "`reversed` (the amount went back to your balance and is paid again later).",
    )
    def get(self, request):
        query = validated(PayoutQuerySerializer, request.query_params.dict())
        payouts = selectors.vendor_payout_list(vendor=request.vendor, status=query.get("status") or None)
        return paginated_response(self, payouts, PayoutSerializer)


class PayoutDetailApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(tags=TAGS, responses={200: PayoutDetailSerializer, **ERRORS(401, 403, 404)})
    def get(self, request, pk: int):
        payout = selectors.vendor_payout_get(vendor=request.vendor, pk=pk)
        entries = selectors.payout_entries(payout=payout)
        return Response(PayoutDetailSerializer(payout, context={"entries": entries}).data)


@stripe_webhook_schema(
    "ConnectWebhookReceived",
    "Stripe Connect events (`account.updated`, `transfer.created`, `transfer.updated`, "
    "`transfer.reversed`), signed with the Connect endpoint's own secret. A bad signature is 400; an "
    "event id seen before answers 200 and changes nothing.",
)
class ConnectWebhookApi(StripeSignedWebhookApi):
    """Stripe Connect calls this; the signature (STRIPE_CONNECT_WEBHOOK_SECRET) is the authentication."""

    def receive(self, request) -> str:
        return services.webhook_receive(payload=request.body, headers=dict(request.headers))
