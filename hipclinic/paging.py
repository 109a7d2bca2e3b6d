"""Pagination shared by every list page."""

from django.core.paginator import Paginator

PER_PAGE = 25


def paginate(request, object_list, per_page: int = PER_PAGE) -> dict:
    """The page the request asks for, and the query string that keeps its filters on other pages.

    A page number that is out of range or not a number gives the nearest real page
    rather than an error, so an old bookmark never breaks.
    """
    page_obj = Paginator(object_list, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"page_obj": page_obj, "query_string": params.urlencode()}
