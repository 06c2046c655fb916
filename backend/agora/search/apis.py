import orjson
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from agora.core.schema import ERRORS
from agora.core.serializers import validated
from agora.search import selectors
from agora.search.serializers import (
    SearchInputSerializer,
    SearchPageSerializer,
    SuggestInputSerializer,
    SuggestResponseSerializer,
)
from agora.search.types import PageRequest, SearchFilters, SearchResult


def _render(result: SearchResult) -> SearchResult:
    """The hits and facets as the API shows them (done once per cached answer)."""
    data = SearchPageSerializer(
        {"count": result.total, "next": None, "previous": None, "results": result.results, "facets": result.facets}
    ).data
    return SearchResult(total=result.total, results=list(data["results"]), facets=data["facets"])


def _page_link(request, number: int) -> str:
    url = request.build_absolute_uri()
    return remove_query_param(url, "page") if number == 1 else replace_query_param(url, "page", number)


class SearchApi(APIView):
    """Full-text product search over public products, with the product-list filters and facets.

    Typo tolerant (one edit in words of 4+ letters), the last word also matches as a prefix.
    Facets count the same filtered set. A page beyond the last answers 404.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["search"],
        parameters=[SearchInputSerializer],
        responses={200: SearchPageSerializer, **ERRORS(400, 404)},
    )
    def get(self, request):
        params = validated(SearchInputSerializer, request.query_params.dict())
        page = PageRequest(number=params["page"], size=params["page_size"])
        result = selectors.search_products(
            query=params["q"],
            filters=SearchFilters(
                category=params.get("category") or None,
                vendor=params.get("vendor") or None,
                min_price=params.get("min_price"),
                max_price=params.get("max_price"),
                in_stock=params.get("in_stock"),
            ),
            ordering=params.get("ordering") or None,
            page=page,
            render=_render,
        )
        has_next = page.offset + page.size < result.total
        body = {
            "count": result.total,
            "next": _page_link(request, page.number + 1) if has_next else None,
            "previous": _page_link(request, page.number - 1) if page.number > 1 else None,
            "results": result.results,
            "facets": result.facets,
        }
        # Every value is JSON-ready already (rendered once per cached answer).
        return HttpResponse(orjson.dumps(body), content_type="application/json")


class SuggestApi(APIView):
    """Product-name suggestions for what was typed so far (at most 10)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["search"],
        parameters=[SuggestInputSerializer],
        responses={200: SuggestResponseSerializer, **ERRORS(400)},
    )
    def get(self, request):
        data = validated(SuggestInputSerializer, request.query_params.dict())
        return Response({"suggestions": selectors.suggest_products(prefix=data["q"])})
