from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.carts.apis import CART_TOKEN, cart_token
from agora.carts.selectors import cart_for_caller
from agora.core.schema import ERRORS
from agora.core.serializers import validated
from agora.shipping import selectors, services
from agora.shipping.serializers import (
    OfferedMethodSerializer,
    ShippingMethodSerializer,
    ShippingOptionsQuerySerializer,
    VendorShippingMethodInputSerializer,
    VendorShippingMethodSerializer,
    VendorShippingMethodUpdateInputSerializer,
    VendorShippingOptionsSerializer,
)
from agora.vendors.permissions import IsApprovedVendor, IsVendorMember
from agora.vendors.selectors import vendor_public_get


class ShippingMethodListApi(APIView):
    """The platform's methods (what v1's `shipping_method` names; vendors without their own inherit them)."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["checkout"], responses={200: ShippingMethodSerializer(many=True)})
    def get(self, request):
        return Response(ShippingMethodSerializer(selectors.platform_method_list(), many=True).data)


class VendorOfferedMethodsApi(APIView):
    """An approved vendor's shipping methods, for its storefront page (its own, or the platform's)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(tags=["vendors"], responses={200: OfferedMethodSerializer(many=True), **ERRORS(404)})
    def get(self, request, slug: str):
        vendor = vendor_public_get(slug=slug)
        return Response(OfferedMethodSerializer(selectors.vendor_offered_methods(vendor=vendor), many=True).data)


class CartShippingOptionsApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["cart"],
        parameters=[CART_TOKEN, ShippingOptionsQuerySerializer],
        responses={200: VendorShippingOptionsSerializer(many=True), **ERRORS(400, 401, 404)},
        description="The caller's cart grouped by vendor, with the shipping methods each vendor offers and "
        "what each costs for that vendor's part (free above a subtotal). Checkout takes one method per "
        "vendor (`shipping_methods`). With `country`, each option says whether it ships there.",
    )
    def get(self, request):
        query = validated(ShippingOptionsQuerySerializer, request.query_params)
        cart = cart_for_caller(user=request.user, token=cart_token(request))
        options = selectors.cart_shipping_options(cart=cart, country=query.get("country"))
        return Response(VendorShippingOptionsSerializer(options, many=True).data)


class VendorShippingMethodListApi(APIView):
    def get_permissions(self):
        return [IsVendorMember()] if self.request.method == "GET" else [IsApprovedVendor()]

    @extend_schema(
        tags=["vendor portal"],
        operation_id="vendor_shipping_methods_list",
        responses={200: VendorShippingMethodSerializer(many=True), **ERRORS(401, 403)},
        description="Your own methods. While you have no active one, shoppers see the platform's methods for "
        "your products (GET /shipping-methods/).",
    )
    def get(self, request):
        return Response(
            VendorShippingMethodSerializer(selectors.vendor_method_list(vendor=request.vendor), many=True).data
        )

    @extend_schema(
        tags=["vendor portal"],
        request=VendorShippingMethodInputSerializer,
        responses={201: VendorShippingMethodSerializer, **ERRORS(400, 401, 403)},
    )
    def post(self, request):
        data = validated(VendorShippingMethodInputSerializer, request.data)
        method = services.vendor_method_create(vendor=request.vendor, data=data)
        return Response(VendorShippingMethodSerializer(method).data, status=status.HTTP_201_CREATED)


class VendorShippingMethodDetailApi(APIView):
    permission_classes = [IsApprovedVendor]

    @extend_schema(
        tags=["vendor portal"],
        request=VendorShippingMethodUpdateInputSerializer,
        responses={200: VendorShippingMethodSerializer, **ERRORS(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int):
        method = selectors.vendor_method_get(vendor=request.vendor, pk=pk)
        data = validated(VendorShippingMethodUpdateInputSerializer, request.data)
        method = services.vendor_method_update(method=method, data=data)
        return Response(VendorShippingMethodSerializer(method).data)

    @extend_schema(
        tags=["vendor portal"], responses={204: OpenApiResponse(description="Deleted"), **ERRORS(401, 403, 404)}
    )
    def delete(self, request, pk: int):
        services.vendor_method_delete(method=selectors.vendor_method_get(vendor=request.vendor, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
