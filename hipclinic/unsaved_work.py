"""No work lost to an ended session.

Staff sessions end after ``SESSION_COOKIE_AGE`` idle seconds. Django's
``LoginRequiredMiddleware`` answers a request from an ended session with a redirect to
the sign-in page, and for a form that was being sent everything typed would be lost.
Here such a POST is answered instead with a sign-in page that holds what was posted as
hidden fields. Signing in there opens a page ("Signed in again") that sends the same
fields, with a fresh CSRF token, to the same path: the view then runs as usual for
whoever signed in, with that person's permissions and clinic.

What was typed lives only in the page the same browser already had: never in a URL, a
log, the session or the database. Files cannot travel in a page; the sign-in page
says to choose them again.

Only a POST that passed the CSRF check gets this page: a POST from another site is
refused before it could fill one (``CsrfViewMiddleware`` runs first and marks the
requests it accepted), and the CSRF token lives in its cookie, not in the session, so
an ended session alone never fails the check.
"""

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hipclinic.forms import LoginForm

# Hidden fields carrying the lost form's fields start with this, so none can be taken
# for the sign-in form's own (a user form in the admin has a "password" field too).
KEPT = "kept-"
RETURN_TO = "return_to"
# Posts that carry no work to keep: signing out of an ended session is already done.
NOTHING_TO_KEEP = {"logout", "admin:logout"}


class LoginRequiredKeepingWork(LoginRequiredMiddleware):
    """Django's ``LoginRequiredMiddleware``, answering a form sent from an ended session
    with the sign-in page that keeps it (``sign_in_again_page``)."""

    def handle_no_permission(self, request, view_func):
        if has_unsaved_work(request):
            return sign_in_again_page(request)
        return super().handle_no_permission(request, view_func)


def has_unsaved_work(request: HttpRequest) -> bool:
    """A form posted from one of our own pages (it passed the CSRF check) to a page that
    needs a login."""
    view_name = request.resolver_match.view_name if request.resolver_match else ""
    return (
        request.method == "POST"
        and getattr(request, "csrf_processing_done", False)
        and view_name not in NOTHING_TO_KEEP
    )


def kept_fields(data) -> list[tuple[str, str]]:
    """Every posted field and value, in order, except the CSRF token (a fresh one goes
    with them when they are sent again)."""
    return [
        (name, value)
        for name, values in data.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]


def sign_in_again_page(request: HttpRequest) -> HttpResponse:
    """The sign-in page holding the form that arrived from an ended session."""
    response = render_sign_in_again(
        request,
        LoginForm(request),
        fields=kept_fields(request.POST),
        return_to=request.get_full_path(),
        files_lost=bool(request.FILES),
    )
    if request.headers.get("HX-Request"):
        # The builder posts with htmx and would swap in only its own part of the answer
        # (there is none in this page): show the whole page's content instead.
        response["HX-Retarget"] = "body"
        response["HX-Reswap"] = "innerHTML show:top"
        response["HX-Reselect"] = "main"
    return response


def render_sign_in_again(request, form, *, fields, return_to, files_lost) -> HttpResponse:
    response = render(
        request,
        "hipclinic/sign_in_again.html",
        {
            "form": form,
            "kept": [(KEPT + name, value) for name, value in fields],
            "return_to": return_to,
            "files_lost": files_lost,
        },
    )
    # Nobody is signed in, so staff_pages_not_stored does not apply; the page holds
    # what was typed about a patient all the same.
    add_never_cache_headers(response)
    return response


def is_path_on_this_site(request: HttpRequest, path: str) -> bool:
    return path.startswith("/") and url_has_allowed_host_and_scheme(
        path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_not_required
@require_POST
def sign_in_again(request: HttpRequest) -> HttpResponse:
    """Sign in from the sign-in-again page: through Django's AuthenticationForm and
    ``authenticate(request=...)``, so django-axes' lock-out and the audit trail apply as
    on the ordinary sign-in page. Then the "Signed in again" page sends the kept fields
    to the path they were first posted to (a path on this site, nothing else)."""
    return_to = request.POST.get(RETURN_TO, "")
    if not is_path_on_this_site(request, return_to):
        return HttpResponseBadRequest("That page is not on this site.")
    fields = [
        (name.removeprefix(KEPT), value)
        for name, value in kept_fields(request.POST)
        if name.startswith(KEPT)
    ]
    form = LoginForm(request, data=request.POST)
    if not form.is_valid():
        return render_sign_in_again(
            request,
            form,
            fields=fields,
            return_to=return_to,
            files_lost=request.POST.get("files_lost") == "yes",
        )
    login(request, form.get_user())
    return render(
        request,
        "hipclinic/sign_in_again_done.html",
        {"fields": fields, "return_to": return_to},
    )
