import orjson
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from agora.core.pagination import paginated_response
from agora.core.permissions import IsStaff
from agora.core.schema import ERRORS, paginated
from agora.core.serializers import validated
from agora.search import selectors, services
from agora.search.serializers import (
    QueryStatSerializer,
    QueryStatsInputSerializer,
    SearchInputSerializer,
    SearchPageSerializer,
    SuggestInputSerializer,
    SuggestResponseSerializer,
)
from agora.search.types import PageRequest, SearchFilters, SearchResult, page_reachable


def _render(result: SearchResult) -> SearchResult:
    """The hits and facets as the API shows them (done once per cached answer)."""
    data = SearchPageSerializer(
        {
            "count": result.total,
            "next": None,
            "previous": None,
            "results": result.results,
            "facets": result.facets,
            "corrected_query": result.corrected_query,
            "corrections": result.corrections,
            "dropped_words": result.dropped_words,
        }
    ).data
    return SearchResult(
        total=result.total,
        results=list(data["results"]),
        facets=data["facets"],
        corrections=result.corrections,
        corrected_query=result.corrected_query,
        dropped_words=result.dropped_words,
    )


def _page_link(request, number: int) -> str:
    url = request.build_absolute_uri()
    return remove_query_param(url, "page") if number == 1 else replace_query_param(url, "page", number)


class SearchApi(APIView):
    """Full-text product search over public products, with the product-list filters, attribute
    filters and facets.

    Typo tolerant (one edit from 4 letters, two from 8; the answer says what it corrected), the
    last word also matches as a prefix, synonyms and stop words as staff set them; when the
    words together match nothing, the least informative are left out (and named). Ranked by
    text relevance, then in stock first, then units sold in the last 30 days. Facets count the
    same filtered set (an attribute's own selection aside). A page beyond the last answers 404.
    Query parameters it does not use (a cache buster, a campaign tag) are ignored, as by the
    product list.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["search"],
        parameters=[SearchInputSerializer],
        responses={200: SearchPageSerializer, **ERRORS(400, 404)},
    )
    def get(self, request):
        raw = request.query_params.dict()
        if "attribute" in request.query_params:
            raw["attribute"] = request.query_params.getlist("attribute")
        params = validated(SearchInputSerializer, raw)
        page = PageRequest(number=params["page"], size=params["page_size"])
        result = selectors.search_products(
            query=params["q"],
            filters=SearchFilters(
                category=params.get("category") or None,
                vendor=params.get("vendor") or None,
                min_price=params.get("min_price"),
                max_price=params.get("max_price"),
                in_stock=params.get("in_stock"),
                attributes=params["attribute"],
                min_rating=params.get("min_rating"),
            ),
            ordering=params.get("ordering") or None,
            page=page,
            render=_render,
            exact=params["exact"],
        )
        if page.number == 1 and params["q"] and not params["exact"]:
            services.search_query_sample(query=params["q"], result=result)
        # A next page only if it holds results and the query accepts it: every link can be followed.
        has_next = page.offset + page.size < result.total and page_reachable(page.number + 1, page.size)
        body = {
            "count": result.total,
            "next": _page_link(request, page.number + 1) if has_next else None,
            "previous": _page_link(request, page.number - 1) if page.number > 1 else None,
            "results": result.results,
            "facets": result.facets,
            "corrected_query": result.corrected_query,
            "corrections": result.corrections,
            "dropped_words": result.dropped_words,
        }
        # Every value is JSON-ready already (rendered once per cached answer).
        return HttpResponse(orjson.dumps(body), content_type="application/json")


class SuggestApi(APIView):
    """Product-name suggestions for what was typed so far (at most 10). Query parameters other
    than `q` are ignored."""

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


class QueryStatsApi(APIView):
    """Staff: searches that found nothing, left words out, or found few products (a sample, no
    personal data), most searched first — where a synonym or a stop word would help."""

    permission_classes = [IsStaff]

    @extend_schema(
        tags=["moderation"],
        operation_id="moderation_search_queries_list",
        parameters=[QueryStatsInputSerializer],
        responses={200: paginated(QueryStatSerializer, "PaginatedSearchQueryStatList"), **ERRORS(400, 401, 403, 404)},
    )
    def get(self, request):
        data = validated(QueryStatsInputSerializer, request.query_params.dict())
        rows = selectors.search_query_stats(kind=data.get("kind") or None, days=data["days"])
        return paginated_response(self, rows, QueryStatSerializer)
