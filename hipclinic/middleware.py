"""Middleware of the app's own."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers


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


def clinic_time_zone(get_response):
    """A staff user's pages are in their clinic's time zone: "today", a programme's first
    issue day and every time shown are the clinic's, as its patients' logs are."""

    def middleware(request: HttpRequest) -> HttpResponse:
        clinic = getattr(request.user, "clinic", None) if request.user.is_authenticated else None
        if clinic is not None:
            with timezone.override(clinic.zone):
                return get_response(request)
        return get_response(request)

    return middleware


def staff_language(request: HttpRequest) -> str:
    """The language of a staff page: the user's own choice on their account, else the one
    their browser asks for (Django reads Accept-Language and the language cookie), else
    English. A patient's pages use the patient's language instead
    (patients.views.patient_page.opened_by_link)."""
    chosen = getattr(request.user, "language", "") if request.user.is_authenticated else ""
    return chosen or translation.get_language_from_request(request)


def page_language(get_response):
    """Every page in its reader's language (``staff_language``), named in the response's
    Content-Language, and varying by Accept-Language for any cache in between."""

    def middleware(request: HttpRequest) -> HttpResponse:
        language = staff_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return middleware
