import orjson
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.views import APIView

from agora.carts import selectors, services
from agora.carts.serializers import (
    CartItemAddInputSerializer,
    CartItemUpdateInputSerializer,
    CartMergeInputSerializer,
    CartSerializer,
    cart_data,
)
from agora.core.headers import token_header
from agora.core.schema import ERRORS
from agora.core.serializers import validated

CART_TOKEN = OpenApiParameter(
    "X-Cart-Token",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="A guest cart's token (from POST /carts/). Signed-in callers always use their own cart.",
)


def cart_token(request) -> str | None:
    return token_header(request, "X-Cart-Token")


def _caller_cart(request):
    return selectors.cart_for_caller(user=request.user, token=cart_token(request))


def _cart_response(cart, code=status.HTTP_200_OK, items=None) -> HttpResponse:
    """The cart answer (CartSerializer's shape), rendered without a serializer per request."""
    body = orjson.dumps(cart_data(selectors.cart_view(cart=cart, items=items)))
    return HttpResponse(body, status=code, content_type="application/json")


class CartCreateApi(APIView):
    """A new guest cart (keep its token), or the signed-in caller's own cart."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["cart"], request=None, responses={201: CartSerializer, **ERRORS(401)})
    def post(self, request):
        return _cart_response(services.cart_create(user=request.user), status.HTTP_201_CREATED)


class CartApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=["cart"], parameters=[CART_TOKEN], responses={200: CartSerializer, **ERRORS(401, 404)})
    def get(self, request):
        return _cart_response(_caller_cart(request))


class CartItemsApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["cart"],
        parameters=[CART_TOKEN],
        request=CartItemAddInputSerializer,
        responses={201: CartSerializer, **ERRORS(400, 401, 404, 409)},
        description="Adds units of a variant (an existing line grows). At most 99 per line and never "
        "more than the stock: 409 `insufficient_stock` with `details: {variant_id, available}`.",
    )
    def post(self, request):
        data = validated(CartItemAddInputSerializer, request.data)
        cart = _caller_cart(request)
        lines = services.cart_add_item(cart=cart, **data)
        return _cart_response(cart, status.HTTP_201_CREATED, items=lines)


class CartItemApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["cart"],
        parameters=[CART_TOKEN],
        request=CartItemUpdateInputSerializer,
        responses={200: CartSerializer, **ERRORS(400, 401, 404, 409)},
    )
    def patch(self, request, pk: int):
        data = validated(CartItemUpdateInputSerializer, request.data)
        cart = _caller_cart(request)
        services.cart_set_quantity(cart=cart, item_id=pk, quantity=data["quantity"])
        return _cart_response(cart)

    @extend_schema(tags=["cart"], parameters=[CART_TOKEN], responses={200: CartSerializer, **ERRORS(401, 404)})
    def delete(self, request, pk: int):
        cart = _caller_cart(request)
        services.cart_remove_item(cart=cart, item_id=pk)
        return _cart_response(cart)


class CartMergeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["cart"],
        request=CartMergeInputSerializer,
        responses={200: CartSerializer, **ERRORS(400, 401, 404)},
        description="Moves a guest cart's lines into the caller's cart (quantities summed, capped by "
        "stock and 99) and empties the guest cart. An unknown token, or another user's cart, is 404.",
    )
    def post(self, request):
        data = validated(CartMergeInputSerializer, request.data)
        return _cart_response(services.cart_merge(user=request.user, token=data["token"]))
