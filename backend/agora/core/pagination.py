from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import pagination
from rest_framework.response import Response
from rest_framework.views import APIView


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M`; page sizes above 100 are clamped, not refused."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


# For views that declare their parameters themselves (drf-spectacular adds them to list views only).
PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Up to 100; larger values are clamped."),
]


def paginated_response(view: APIView, items: Any, serializer_class: Any, **serializer_kwargs: Any) -> Response:
    """The page of ``items`` the request asks for, serialized, in the page envelope (count, next,
    previous, results)."""
    paginator = PageNumberPagination()
    page: list[Any] | None = paginator.paginate_queryset(items, view.request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, **serializer_kwargs).data)
