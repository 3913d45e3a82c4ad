"""Pagination: numbered pages by default; cursor pages for the large, growing lists (the audit
log, learning records), where a page number would shift while rows arrive and OFFSET grows
with the depth."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class WippPageNumberPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class WippCursorPagination(CursorPagination):
    """`?cursor=` from the `next`/`previous` links; `ordering` may pick the order."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500
