from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.carts.selectors import cart_for_user, cart_view
from agora.carts.serializers import CartSerializer
from agora.core.pagination import PageNumberPagination
from agora.core.schema import ERRORS, paginated
from agora.core.serializers import validated
from agora.wishlists import selectors, services
from agora.wishlists.serializers import (
    HeartInputSerializer,
    MergeInputSerializer,
    MergeResultSerializer,
    MoveToCartInputSerializer,
    WishlistEntrySerializer,
    WishlistKeysSerializer,
)


def _heart(data: dict) -> services.Heart:
    return services.Heart(variant_id=data.get("variant_id"), product=data.get("product"))


class WishlistApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["wishlist"],
        operation_id="wishlist_list",
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Up to 100; larger values are clamped."),
        ],
        responses={200: paginated(WishlistEntrySerializer, "PaginatedWishlistEntryList"), **ERRORS(401)},
        description="The caller's saved variants, newest first. A variant that stopped being sold or ran out "
        "stays, `available: false`.",
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.wishlist_items(user=request.user), request, view=self)
        return paginator.get_paginated_response(selectors.wishlist_entries(list(page or [])))

    @extend_schema(
        tags=["wishlist"],
        request=HeartInputSerializer,
        responses={
            201: WishlistEntrySerializer,
            200: OpenApiResponse(WishlistEntrySerializer, description="It was saved already."),
            **ERRORS(400, 401, 404, 409),
        },
        description="Save a variant (`variant_id`), or a product's default variant (`product`: its slug, the "
        "first variant in stock). 409 `wishlist_full` past WISHLIST_MAX_ITEMS (200).",
    )
    def post(self, request):
        data = validated(HeartInputSerializer, request.data)
        item, created = services.wishlist_add(user=request.user, heart=_heart(data))
        [entry] = selectors.wishlist_entries([selectors.wishlist_items(user=request.user).get(pk=item.pk)])
        return Response(entry, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class WishlistKeysApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["wishlist"],
        responses={200: WishlistKeysSerializer, **ERRORS(401)},
        description="The saved variants' ids and their products' slugs: what the hearts on cards and product "
        "pages check, in one small answer.",
    )
    def get(self, request):
        return Response(selectors.wishlist_keys(user=request.user))


class WishlistItemApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["wishlist"], responses={204: OpenApiResponse(description="Removed"), **ERRORS(401, 404)})
    def delete(self, request, pk: int):
        services.wishlist_remove(user=request.user, item_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishlistMoveToCartApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["wishlist"],
        request=MoveToCartInputSerializer,
        responses={200: CartSerializer, **ERRORS(400, 401, 404, 409)},
        description="Adds the saved variant to the caller's cart (`quantity`, default 1) and takes it off the "
        "wishlist; the answer is the cart. Not enough stock: 409 `insufficient_stock` and nothing changes.",
    )
    def post(self, request, pk: int):
        data = validated(MoveToCartInputSerializer, request.data)
        services.wishlist_move_to_cart(user=request.user, item_id=pk, quantity=data["quantity"])
        return Response(CartSerializer(cart_view(cart=cart_for_user(request.user))).data)


class WishlistMergeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["wishlist"],
        request=MergeInputSerializer,
        responses={200: MergeResultSerializer, **ERRORS(400, 401)},
        description="At sign-in: the hearts a guest kept in their browser (up to 100) join the account's "
        "wishlist. Unknown or unsold ones are skipped, as is whatever would pass the limit.",
    )
    def post(self, request):
        data = validated(MergeInputSerializer, request.data)
        added = services.wishlist_merge(user=request.user, hearts=[_heart(h) for h in data["items"]])
        return Response({"added": added, **selectors.wishlist_keys(user=request.user)})
