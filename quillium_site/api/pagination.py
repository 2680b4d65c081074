"""Default pagination for every API list."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M` (at most 200), with the total count."""

    page_size_query_param = "page_size"
    max_page_size = 200
