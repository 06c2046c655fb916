import hashlib
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.catalog.cache import product_detail_version
from agora.core.pagination import PageNumberPagination
from agora.core.permissions import IsStaff
from agora.core.schema import ERRORS, paginated
from agora.core.serializers import validated
from agora.core.uploads import MULTIPART_OVERHEAD, BodyLimitMixin
from agora.reviews import selectors, services
from agora.reviews.models import Review
from agora.reviews.serializers import (
    MyPurchasesQuerySerializer,
    MyReviewSerializer,
    ProductReviewsPageSerializer,
    PublicReviewQuerySerializer,
    PublicReviewSerializer,
    PurchaseSerializer,
    ReplyInputSerializer,
    ReviewCreateInputSerializer,
    ReviewPhotoInputSerializer,
    ReviewPhotoSerializer,
    ReviewRejectInputSerializer,
    ReviewUpdateInputSerializer,
    StaffReviewSerializer,
    VendorReviewSerializer,
)
from agora.vendors.permissions import IsApprovedVendor, IsVendorMember

PAGE = OpenApiParameter("page", OpenApiTypes.INT)
PAGE_SIZE = OpenApiParameter("page_size", OpenApiTypes.INT, description="Up to 100; larger values are clamped.")


def _paginated(request, view, queryset, serializer_class) -> Response:
    paginator = PageNumberPagination()
    page: list = paginator.paginate_queryset(queryset, request, view=view) or []
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _mine(request, pk: int) -> Response:
    return Response(MyReviewSerializer(selectors.my_review_get(user=request.user, pk=pk)).data)


# --- public --------------------------------------------------------------------------------------


class ProductReviewsApi(APIView):
    """A public product's published reviews and its star distribution; cached, and renewed by
    every review change of the product (the product page's own cache stamp)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["reviews"],
        operation_id="product_reviews_list",
        parameters=[PublicReviewQuerySerializer, PAGE, PAGE_SIZE],
        responses={200: ProductReviewsPageSerializer, **ERRORS(400, 404)},
    )
    def get(self, request, slug: str):
        query = urlencode(sorted(request.GET.lists()), doseq=True)
        raw = f"{request.get_host()}|{slug}|{query}".encode()
        key = f"reviews:{product_detail_version(slug)}:{hashlib.sha256(raw).hexdigest()[:32]}"
        body = cache.get(key)
        hit = body is not None
        if not hit:
            params = validated(PublicReviewQuerySerializer, request.query_params.dict())
            product_id = selectors.public_product_id(slug=slug)
            paginator = PageNumberPagination()
            reviews = selectors.product_reviews_public(
                product_id=product_id, ordering=params["ordering"] or "-created_at"
            )
            page = paginator.paginate_queryset(reviews, request, view=self) or []
            body = orjson.dumps(
                {
                    "count": paginator.page.paginator.count if paginator.page else 0,
                    "next": paginator.get_next_link(),
                    "previous": paginator.get_previous_link(),
                    "results": PublicReviewSerializer(page, many=True).data,
                    "rating": selectors.product_rating_summary(product_id=product_id),
                }
            )
            cache.set(key, body, timeout=settings.CATALOG_CACHE_TIMEOUT)
        response = HttpResponse(body, content_type="application/json")
        response["X-Cache"] = "hit" if hit else "miss"
        return response


# --- the shopper ---------------------------------------------------------------------------------


class MyReviewsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["reviews"],
        operation_id="my_reviews_list",
        parameters=[PAGE, PAGE_SIZE],
        responses={200: paginated(MyReviewSerializer, "PaginatedMyReviewList"), **ERRORS(401)},
    )
    def get(self, request):
        return _paginated(request, self, selectors.my_reviews(user=request.user), MyReviewSerializer)

    @extend_schema(
        tags=["reviews"],
        request=ReviewCreateInputSerializer,
        responses={201: MyReviewSerializer, **ERRORS(400, 401, 404, 409)},
        description="Review a purchase: one review per order line, once the line (or part of it) shipped "
        "(409 `not_reviewable` before; 409 `already_reviewed` for a second one). It is published once "
        "staff approve it (REVIEWS_PREMODERATION, the default), or at once when moderation is after the "
        "fact and the text holds no link or held word. Another customer's line is 404.",
    )
    def post(self, request):
        data = validated(ReviewCreateInputSerializer, request.data)
        review = services.review_create(
            user=request.user,
            order_line_id=data["order_line"],
            rating=data["rating"],
            title=data["title"],
            body=data["body"],
        )
        return Response(
            MyReviewSerializer(selectors.my_review_get(user=request.user, pk=review.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class MyReviewApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["reviews"], responses={200: MyReviewSerializer, **ERRORS(401, 404)})
    def get(self, request, pk: int):
        return _mine(request, pk)

    @extend_schema(
        tags=["reviews"],
        request=ReviewUpdateInputSerializer,
        responses={200: MyReviewSerializer, **ERRORS(400, 401, 404)},
        description="Change stars, title or text. The review is screened again and, with pre-moderation, "
        "waits for staff again; a rejected one always goes back to staff.",
    )
    def patch(self, request, pk: int):
        review = selectors.my_review_get(user=request.user, pk=pk)
        data = validated(ReviewUpdateInputSerializer, request.data)
        services.review_update(review=review, data=data)
        return _mine(request, pk)

    @extend_schema(
        tags=["reviews"],
        responses={204: OpenApiResponse(description="Deleted, with its photos"), **ERRORS(401, 404)},
    )
    def delete(self, request, pk: int):
        services.review_delete(review=selectors.my_review_get(user=request.user, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyReviewPhotosApi(BodyLimitMixin, APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    def max_body_bytes(self) -> int:
        return settings.CATALOG_IMAGE_MAX_BYTES + MULTIPART_OVERHEAD

    @extend_schema(
        tags=["reviews"],
        request={"multipart/form-data": ReviewPhotoInputSerializer},
        responses={201: ReviewPhotoSerializer, **ERRORS(400, 401, 404, 409, 411, 413, 415)},
        description="Add a photo (at most REVIEWS_MAX_PHOTOS, 4): the same checks as product images. "
        "The review goes through moderation again.",
    )
    def post(self, request, pk: int):
        review = selectors.my_review_get(user=request.user, pk=pk)
        data = validated(ReviewPhotoInputSerializer, request.data)
        photo = services.review_photo_add(review=review, upload=data["image"])
        return Response(ReviewPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class MyReviewPhotoApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["reviews"], responses={204: OpenApiResponse(description="Deleted"), **ERRORS(401, 404)})
    def delete(self, request, pk: int, photo_id: int):
        services.review_photo_delete(review=selectors.my_review_get(user=request.user, pk=pk), photo_id=photo_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyPurchasesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["reviews"],
        operation_id="my_purchases_list",
        parameters=[MyPurchasesQuerySerializer, PAGE, PAGE_SIZE],
        responses={200: paginated(PurchaseSerializer, "PaginatedPurchaseList"), **ERRORS(400, 401)},
        description="The caller's purchases that shipped, newest order first, each with its review (or the "
        "`review` action while it has none).",
    )
    def get(self, request):
        query = validated(MyPurchasesQuerySerializer, request.query_params.dict())
        # A text the database could not hold (a NUL) is a 400; a longer one can be no order number.
        order = query.get("order", "")[:20] or None
        lines = selectors.my_purchases(user=request.user, order_number=order, to_review=query["to_review"])
        return _paginated(request, self, lines, PurchaseSerializer)


# --- the vendor ----------------------------------------------------------------------------------


class VendorReviewsApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=["vendor portal"],
        operation_id="vendor_reviews_list",
        parameters=[
            OpenApiParameter("unanswered", OpenApiTypes.BOOL, description="Only those without the vendor's reply."),
            PAGE,
            PAGE_SIZE,
        ],
        responses={200: paginated(VendorReviewSerializer, "PaginatedVendorReviewList"), **ERRORS(401, 403)},
    )
    def get(self, request):
        unanswered = request.query_params.get("unanswered") in ("true", "1")
        return _paginated(
            request,
            self,
            selectors.vendor_reviews(vendor=request.vendor, unanswered=unanswered),
            VendorReviewSerializer,
        )


class VendorReviewReplyApi(APIView):
    permission_classes = [IsApprovedVendor]

    @extend_schema(
        tags=["vendor portal"],
        request=ReplyInputSerializer,
        responses={200: VendorReviewSerializer, **ERRORS(400, 401, 403, 404, 409)},
        description="Answer a published review of your product, once (409 `already_replied` after); the "
        "shopper is emailed. Another vendor's review is 404.",
    )
    def post(self, request, pk: int):
        review = selectors.vendor_review_get(vendor=request.vendor, pk=pk)
        data = validated(ReplyInputSerializer, request.data)
        services.review_reply(review=review, vendor=request.vendor, user=request.user, text=data["text"])
        return Response(VendorReviewSerializer(selectors.moderation_review_get(pk=pk)).data)


# --- staff ---------------------------------------------------------------------------------------


class ModerationReviewsApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["moderation"],
        operation_id="moderation_reviews_list",
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=list(Review.Status.values),
                description="Default: pending. Held ones (links, held words) come first, then oldest first.",
            ),
            PAGE,
            PAGE_SIZE,
        ],
        responses={200: paginated(StaffReviewSerializer, "PaginatedStaffReviewList"), **ERRORS(401, 403)},
    )
    def get(self, request):
        wanted = request.query_params.get("status") or Review.Status.PENDING
        state = wanted if wanted in Review.Status.values else Review.Status.PENDING
        return _paginated(request, self, selectors.moderation_reviews(status=state), StaffReviewSerializer)


class ModerationReviewApproveApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["moderation"], request=None, responses={200: StaffReviewSerializer, **ERRORS(401, 403, 404, 409)}
    )
    def post(self, request, pk: int):
        services.review_approve(review=selectors.moderation_review_get(pk=pk), staff=request.user)
        return Response(StaffReviewSerializer(selectors.moderation_review_get(pk=pk)).data)


class ModerationReviewRejectApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["moderation"],
        request=ReviewRejectInputSerializer,
        responses={200: StaffReviewSerializer, **ERRORS(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        review = selectors.moderation_review_get(pk=pk)
        data = validated(ReviewRejectInputSerializer, request.data)
        services.review_reject(review=review, staff=request.user, reason=data["reason"])
        return Response(StaffReviewSerializer(selectors.moderation_review_get(pk=pk)).data)
