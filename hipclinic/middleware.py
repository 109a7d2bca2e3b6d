"""Middleware of the app's own."""

from django.http import HttpRequest, HttpResponse


def staff_pages_not_stored(get_response):
    """Staff pages show patients' records: no browser or proxy keeps a copy of them.

    Every response to a logged-in user gets ``Cache-Control: private, no-store``
    unless its view chose a Cache-Control of its own (the handout download's
    ETag-checked ``private, no-cache``, a picture's private max-age) or answers
    304, which only confirms a copy that view allowed. The admin's own
    ``no-store`` is left as it is.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if (
            request.user.is_authenticated
            and response.status_code != 304
            and not response.has_header("Cache-Control")
        ):
            response["Cache-Control"] = "private, no-store"
        return response

    return middleware
