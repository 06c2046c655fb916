import json
from collections.abc import Callable
from functools import cached_property
from typing import Any, Protocol

from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
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


CAPPED = "_capped_count"


def planner_estimate(queryset: QuerySet[Any, Any]) -> int:
    """PostgreSQL's estimate of how many rows ``queryset`` has (EXPLAIN: table statistics, no scan)."""
    plan = queryset.order_by().explain(format="json")
    return int(json.loads(plan)[0]["Plan"]["Plan Rows"])


class _Page(Page):
    """A page that knows whether another one follows from one row read past its end, so ``next`` is
    exact even when the count is an estimate."""

    has_more = False

    def has_next(self) -> bool:
        return self.has_more


class CappedCountPaginator(DjangoPaginator):
    """Pages a list without counting every matching row.

    With ``known_count`` (a count the caller keeps without scanning) it is Django's paginator.
    Otherwise the page is read together with a capped count, ``SELECT COUNT(*) FROM (… LIMIT
    exact_limit + 1)``, an uncorrelated subquery in the page's own statement (PostgreSQL runs it
    once), so the page stays the ordered index scan it was and costs one statement. Up to the limit
    the count is exact; past it, ``estimate()`` gives it (never below the limit) and
    ``count_is_estimate`` says so. ``next`` comes from one extra row read past the page, so it is
    exact either way, and a page past the real end is a 404 as before."""

    def __init__(
        self,
        object_list: QuerySet[Any, Any],
        per_page: int,
        *,
        exact_limit: int,
        known_count: int | None = None,
        estimate: Callable[[], int] | None = None,
        **kwargs: Any,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.queryset = object_list
        self.exact_limit = exact_limit
        self.count_is_estimate = False
        self.estimate = estimate or (lambda: planner_estimate(self.queryset))
        # A count the caller already knows exactly (kept without scanning): plain pagination.
        self.count_known = known_count is not None
        if known_count is not None:
            self.__dict__["count"] = known_count

    def _capped_sql(self) -> RawSQL:
        inner = self.queryset.order_by().values("pk")[: self.exact_limit + 1]
        sql, params = inner.query.get_compiler(using=inner.db).as_sql()
        return RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS capped", params)  # noqa: S608, S611  # nosec B608, B611  # Django compiled it, values are parameters

    def _finish_count(self, capped: int) -> int:
        if capped <= self.exact_limit:
            self.count_is_estimate = False
            return capped
        self.count_is_estimate = True
        return max(self.exact_limit + 1, self.estimate())

    @cached_property
    def count(self) -> int:
        # Only when asked before a page is read (``?page=last``): the page sets it otherwise.
        if self.queryset.query.is_empty():
            return 0
        capped = self._capped_sql()
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(capped.sql, capped.params)
            return self._finish_count(cursor.fetchone()[0])

    def validate_number(self, number: Any) -> int:
        """A positive integer; whether the page has rows is known once it is read (an estimated
        count cannot say where the last page is)."""
        if self.count_known:
            return super().validate_number(number)
        return _page_number(number, self.error_messages)

    def page(self, number: Any) -> Page:
        if self.count_known:
            return super().page(number)
        number = self.validate_number(number)
        bottom = _offset(number, self.per_page, self.error_messages)
        rows = (
            []
            if self.queryset.query.is_empty()
            else list(self.queryset.annotate(**{CAPPED: self._capped_sql()})[bottom : bottom + self.per_page + 1])
        )
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        capped = [_take(row, CAPPED) for row in rows]
        if "count" not in self.__dict__:
            self.__dict__["count"] = self._finish_count(capped[0] if capped else 0)
            self.__dict__.pop("num_pages", None)
        page = _Page(rows[: self.per_page], number, self)
        page.has_more = len(rows) > self.per_page
        return page


def _page_number(number: Any, messages: dict[str, Any]) -> int:
    """A page number as Django's paginator validates it, short of comparing it with the count."""
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        number = int(number)
    except (TypeError, ValueError):
        raise PageNotAnInteger(messages["invalid_page"]) from None
    if number < 1:
        raise EmptyPage(messages["min_page"])
    return number


# PostgreSQL's OFFSET is a bigint: a page that would start past it can hold no row.
_MAX_OFFSET = 2**63 - 1


def _offset(number: int, per_page: int, messages: dict[str, Any]) -> int:
    """Where page ``number`` starts; a page no list can reach is a 404, as any page past the end."""
    offset = (number - 1) * per_page
    if offset > _MAX_OFFSET:
        raise EmptyPage(messages["no_results"])
    return offset


class Windowed(Protocol):
    """A list read a page at a time, the count of all its rows with each page."""

    def count(self) -> int:
        """All the rows (asked only when the last page is: ``?page=last``)."""
        ...

    def window(self, offset: int, limit: int) -> tuple[list[Any], int]:
        """Up to ``limit`` rows from ``offset`` on, and the count of all rows (0 when none are read)."""
        ...


class WindowPaginator(DjangoPaginator):
    """Django's paginator over a ``Windowed`` list: a page and the count come from one read
    (``window``) instead of a count and then a page. A page past the end is a 404 as before; an
    empty first page is the empty list it was."""

    def validate_number(self, number: Any) -> int:
        if "count" in self.__dict__:  # known (``?page=last``, or a page read): the range is checked too
            return super().validate_number(number)
        return _page_number(number, self.error_messages)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        windowed: Windowed = self.object_list  # type: ignore[assignment]  # the list this paginator is for
        rows, count = windowed.window(_offset(number, self.per_page, self.error_messages), self.per_page)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)
        return Page(rows, number, self)


class WindowPagination(PageNumberPagination):
    """PageNumberPagination (``?page=N&page_size=M``, the same limits) over a ``Windowed`` list."""

    django_paginator_class = WindowPaginator


def _take(row: Any, name: str) -> Any:
    return row.pop(name) if isinstance(row, dict) else row.__dict__.pop(name)


class CappedCountPagination(PageNumberPagination):
    """PageNumberPagination whose ``count`` is a count the caller keeps exactly (``known_count``), or
    exact up to ``exact_limit`` rows and an estimate past it (``count_is_estimate``); see
    CappedCountPaginator."""

    def __init__(self, exact_limit: int, *, known_count: int | None = None, estimate: Callable[[], int] | None = None):
        self.exact_limit, self.known_count, self.estimate = exact_limit, known_count, estimate

    def django_paginator_class(self, object_list: QuerySet[Any, Any], per_page: int) -> CappedCountPaginator:  # type: ignore[override]
        return CappedCountPaginator(
            object_list, per_page, exact_limit=self.exact_limit, known_count=self.known_count, estimate=self.estimate
        )

    @property
    def count_is_estimate(self) -> bool:
        paginator = self.page.paginator if self.page is not None else None
        return isinstance(paginator, CappedCountPaginator) and paginator.count_is_estimate


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
