from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M`; page sizes above 100 are clamped, not refused."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
