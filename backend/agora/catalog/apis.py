import hashlib
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.catalog import selectors, services
from agora.catalog.cache import VERSION_KEY, product_detail_counters
from agora.catalog.models import Product
from agora.catalog.serializers import (
    CategoryNodeSerializer,
    ImageUploadInputSerializer,
    ImportJobSerializer,
    ImportUploadInputSerializer,
    ModerationProductSerializer,
    ProductDetailSerializer,
    ProductInputSerializer,
    ProductListQuerySerializer,
    ProductSummarySerializer,
    ProductUpdateInputSerializer,
    RejectInputSerializer,
    VendorImageSerializer,
    VendorProductSerializer,
)
from agora.core.cache_versions import stamped_get, stamped_set
from agora.core.pagination import CappedCountPagination, PageNumberPagination
from agora.core.permissions import IsStaff
from agora.core.schema import ERRORS, paginated, paginated_with_estimate
from agora.core.serializers import validated
from agora.core.uploads import MULTIPART_OVERHEAD, BodyLimitMixin
from agora.vendors.permissions import IsApprovedVendor, IsVendorMember


def _cached_json(request, kind: str, build, *, counters: tuple[str, ...] = (VERSION_KEY,)) -> HttpResponse:
    """Serves a public catalog answer from the cache, or builds, stores and serves it.

    Keys carry the host (pagination links are absolute) and the normalised query string; each
    answer is stamped with the ``counters`` read with it in one round trip — the catalog version
    (bumped by every relevant write) and, for a product page, the product's own stamp (renewed
    when orders change its stock) — and is a miss once any of them moved. ``build`` gets the
    counters' values. A dead cache is a miss: the answer comes from the database.
    """
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    raw = f"{request.get_host()}|{request.path}|{query}".encode()
    key = f"catalog:answer:{kind}:{hashlib.sha256(raw).hexdigest()[:32]}"
    values, body = stamped_get(counters, key)
    hit = body is not None
    if not hit:
        body = orjson.dumps(build(values))
        stamped_set(values, key, body, timeout=settings.CATALOG_CACHE_TIMEOUT)
    response = HttpResponse(body, content_type="application/json")
    response["X-Cache"] = "hit" if hit else "miss"
    return response


# --- public catalog --------------------------------------------------------------------------


class CategoryTreeApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(tags=["catalog"], responses={200: CategoryNodeSerializer(many=True)})
    def get(self, request):
        return _cached_json(request, "categories", lambda _counters: selectors.category_tree())


class ProductListApi(APIView):
    """Approved products of approved vendors, filtered and ordered; cached, invalidated on writes."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["catalog"],
        operation_id="products_list",
        parameters=[
            ProductListQuerySerializer,
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Up to 100; larger values are clamped."),
        ],
        responses={
            200: paginated_with_estimate(ProductSummarySerializer, "PaginatedProductSummaryList"),
            **ERRORS(400, 404),
        },
    )
    def get(self, request):
        def build(counters: tuple[int, ...]):
            version = counters[0]
            # Validated on a miss only: a query string has a cached answer only if it was valid.
            filters = validated(ProductListQuerySerializer, request.query_params.dict())
            index = selectors.public_list_index_of(version)
            resolved = selectors.resolve_filters(filters, index)
            count = selectors.public_product_list_count(resolved=resolved, index=index)
            paginator = CappedCountPagination(count.limit, known_count=count.exact, estimate=count.estimate)
            rows = paginator.paginate_queryset(
                selectors.public_list_page_rows(filters=filters, resolved=resolved, count=count), request, view=self
            )
            page = paginator.page
            assert rows is not None and page is not None  # a page size is always set, so a page is always read
            return {
                "count": page.paginator.count,
                "count_is_estimate": paginator.count_is_estimate,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": selectors.summaries(rows),
            }

        return _cached_json(request, "products", build)


class ProductDetailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(tags=["catalog"], responses={200: ProductDetailSerializer, **ERRORS(404)})
    def get(self, request, slug: str):
        return _cached_json(
            request,
            "product",
            lambda _counters: selectors.public_product_detail(slug=slug),
            counters=product_detail_counters(slug),
        )


# --- vendor portal ---------------------------------------------------------------------------


class _VendorApi(APIView):
    """Reads are open to any member of the vendor (pending/suspended see their own data);
    writes need an approved vendor (403 ``vendor_not_approved``). Everything is scoped to the
    caller's vendor: another vendor's objects answer 404."""

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [IsVendorMember()]
        return [IsApprovedVendor()]


def _product_out(product: Product) -> dict:
    return VendorProductSerializer(product).data


class VendorProductListApi(_VendorApi):
    @extend_schema(
        tags=["vendor portal"],
        operation_id="vendor_products_list",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=list(Product.Status.values))],
        responses={200: paginated(VendorProductSerializer, "PaginatedVendorProductList"), **ERRORS(401, 403)},
    )
    def get(self, request):
        state = request.query_params.get("status")
        if state not in (None, "", *Product.Status.values):
            raise serializers.ValidationError({"status": [f"Use one of {', '.join(Product.Status.values)}."]})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.vendor_product_list(vendor=request.vendor, status=state or None), request, view=self
        )
        return paginator.get_paginated_response(VendorProductSerializer(page, many=True).data)

    @extend_schema(
        tags=["vendor portal"],
        request=ProductInputSerializer,
        responses={201: VendorProductSerializer, **ERRORS(400, 401, 403)},
    )
    def post(self, request):
        data = validated(ProductInputSerializer, request.data)
        product = services.product_create(vendor=request.vendor, **data)
        product = selectors.vendor_product_get(vendor=request.vendor, pk=product.pk)
        return Response(_product_out(product), status=status.HTTP_201_CREATED)


class VendorProductDetailApi(_VendorApi):
    @extend_schema(tags=["vendor portal"], responses={200: VendorProductSerializer, **ERRORS(401, 403, 404)})
    def get(self, request, pk: int):
        return Response(_product_out(selectors.vendor_product_get(vendor=request.vendor, pk=pk)))

    @extend_schema(
        tags=["vendor portal"],
        request=ProductUpdateInputSerializer,
        responses={200: VendorProductSerializer, **ERRORS(400, 401, 403, 404, 409)},
        description="Writes need an approved vendor (403 `vendor_not_approved`); another vendor's product "
        'answers 404. An archived product can only be deleted (its `actions` are `["delete"]`): a PATCH '
        "answers 409 `product_archived` and changes nothing. 409 `stock_changed`: see `expected_stock`.",
    )
    def patch(self, request, pk: int):
        product = selectors.vendor_product_get(vendor=request.vendor, pk=pk)
        data = validated(ProductUpdateInputSerializer, request.data, partial=True)
        services.product_update(product=product, data=data)
        return Response(_product_out(selectors.vendor_product_get(vendor=request.vendor, pk=pk)))

    @extend_schema(
        tags=["vendor portal"],
        responses={
            204: OpenApiResponse(description="Deleted (archived if it has been ordered)"),
            **ERRORS(401, 403, 404),
        },
    )
    def delete(self, request, pk: int):
        services.product_delete(product=selectors.vendor_product_get(vendor=request.vendor, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VendorProductSubmitApi(_VendorApi):
    @extend_schema(
        tags=["vendor portal"],
        request=None,
        responses={200: VendorProductSerializer, **ERRORS(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        services.product_submit(product=selectors.vendor_product_get(vendor=request.vendor, pk=pk))
        return Response(_product_out(selectors.vendor_product_get(vendor=request.vendor, pk=pk)))


class VendorProductImageApi(BodyLimitMixin, _VendorApi):
    parser_classes = [MultiPartParser]

    def max_body_bytes(self) -> int:
        return settings.CATALOG_IMAGE_MAX_BYTES + MULTIPART_OVERHEAD

    @extend_schema(
        tags=["vendor portal"],
        request={"multipart/form-data": ImageUploadInputSerializer},
        responses={201: VendorImageSerializer, **ERRORS(400, 401, 403, 404, 409, 411, 413, 415)},
        description="Writes need an approved vendor (403 `vendor_not_approved`); another vendor's product "
        "answers 404. A new picture is content staff see before shoppers do: an approved product goes back "
        "to review with it (`pending_review`, off the storefront and search until staff approve it again). "
        "An archived product takes no images: 409 `product_archived`. A product with "
        "CATALOG_MAX_IMAGES_PER_PRODUCT images already: 409 `conflict`.",
    )
    def post(self, request, pk: int):
        product = selectors.vendor_product_get(vendor=request.vendor, pk=pk)
        data = validated(ImageUploadInputSerializer, request.data)
        image = services.image_add(product=product, upload=data["image"], alt=data["alt"])
        return Response(VendorImageSerializer(image).data, status=status.HTTP_201_CREATED)


class VendorImportCreateApi(BodyLimitMixin, _VendorApi):
    parser_classes = [MultiPartParser]

    def max_body_bytes(self) -> int:
        return settings.CATALOG_IMPORT_MAX_BYTES + MULTIPART_OVERHEAD

    @extend_schema(
        tags=["vendor portal"],
        request={"multipart/form-data": ImportUploadInputSerializer},
        responses={202: ImportJobSerializer, **ERRORS(400, 401, 403, 411, 413, 415)},
    )
    def post(self, request):
        data = validated(ImportUploadInputSerializer, request.data)
        job = services.import_create(vendor=request.vendor, user=request.user, upload=data["file"])
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class VendorImportDetailApi(_VendorApi):
    @extend_schema(tags=["vendor portal"], responses={200: ImportJobSerializer, **ERRORS(401, 403, 404)})
    def get(self, request, pk: int):
        return Response(ImportJobSerializer(selectors.vendor_import_get(vendor=request.vendor, pk=pk)).data)


# --- moderation ------------------------------------------------------------------------------


class ModerationProductListApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["moderation"],
        operation_id="moderation_products_list",
        responses={200: paginated(ModerationProductSerializer, "PaginatedModerationProductList"), **ERRORS(401, 403)},
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.moderation_product_list(), request, view=self)
        return paginator.get_paginated_response(ModerationProductSerializer(page, many=True).data)


class ModerationProductApproveApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["moderation"], request=None, responses={200: VendorProductSerializer, **ERRORS(401, 403, 404, 409)}
    )
    def post(self, request, pk: int):
        product = services.product_approve(product=selectors.moderation_product_get(pk=pk))
        return Response(VendorProductSerializer(selectors.vendor_product_get(vendor=product.vendor, pk=pk)).data)


class ModerationProductRejectApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["moderation"],
        request=RejectInputSerializer,
        responses={200: VendorProductSerializer, **ERRORS(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        product = selectors.moderation_product_get(pk=pk)
        data = validated(RejectInputSerializer, request.data)
        product = services.product_reject(product=product, reason=data["reason"])
        return Response(VendorProductSerializer(selectors.vendor_product_get(vendor=product.vendor, pk=pk)).data)
