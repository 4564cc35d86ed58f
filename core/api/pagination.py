"""Page-number pagination shared by every list endpoint."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    # 50 keeps the 43 mandatory call profile fields on one page; 500 bounds one request's cost.
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
