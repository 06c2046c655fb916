from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.core.permissions import IsStaff
from agora.core.schema import ERRORS
from agora.core.serializers import validated
from agora.vendors import selectors, services
from agora.vendors.permissions import IsVendorMember
from agora.vendors.serializers import (
    VendorApplyInputSerializer,
    VendorPoliciesInputSerializer,
    VendorPublicSerializer,
    VendorSerializer,
)


class VendorApplyApi(APIView):
    """Apply to sell: the caller becomes the owner of a new pending vendor (one vendor per user)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["vendors"],
        request=VendorApplyInputSerializer,
        responses={201: VendorSerializer, **ERRORS(400, 401, 403, 409)},
        description="403 `email_not_verified` where the shop requires a verified address to sell "
        "(VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL, on in production).",
    )
    def post(self, request):
        data = validated(VendorApplyInputSerializer, request.data)
        vendor = services.vendor_apply(user=request.user, **data)
        return Response(VendorSerializer(vendor).data, status=status.HTTP_201_CREATED)


class VendorPublicApi(APIView):
    """An approved vendor's public profile (pending or suspended vendors answer 404)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["vendors"],
        responses={200: VendorPublicSerializer, **ERRORS(404)},
        description="Policies shoppers rely on (handling time, return window) and the vendor's rating over "
        "the published reviews of its products. Served from the cache; its products are "
        "`GET /api/v1/products/?vendor={slug}` (or `/api/v1/search/?vendor={slug}&q=…`).",
    )
    def get(self, request, slug: str):
        return Response(selectors.vendor_public_profile(slug=slug))


class VendorApproveApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(tags=["moderation"], request=None, responses={200: VendorSerializer, **ERRORS(401, 403, 404, 409)})
    def post(self, request, slug: str):
        vendor = services.vendor_approve(vendor=selectors.vendor_get_for_staff(slug=slug))
        return Response(VendorSerializer(vendor).data)


class VendorSuspendApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(tags=["moderation"], request=None, responses={200: VendorSerializer, **ERRORS(401, 403, 404, 409)})
    def post(self, request, slug: str):
        vendor = services.vendor_suspend(vendor=selectors.vendor_get_for_staff(slug=slug))
        return Response(VendorSerializer(vendor).data)


class VendorPoliciesApi(APIView):
    """The caller's vendor's policies: handling time and return window (shown to shoppers)."""

    permission_classes = [IsVendorMember]

    @extend_schema(tags=["vendor portal"], responses={200: VendorSerializer, **ERRORS(401, 403)})
    def get(self, request):
        return Response(VendorSerializer(request.vendor).data)

    @extend_schema(
        tags=["vendor portal"],
        request=VendorPoliciesInputSerializer,
        responses={200: VendorSerializer, **ERRORS(400, 401, 403)},
    )
    def patch(self, request):
        data = validated(VendorPoliciesInputSerializer, request.data)
        vendor = services.vendor_update_policies(vendor=request.vendor, data=data)
        return Response(VendorSerializer(vendor).data)
