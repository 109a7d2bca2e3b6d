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
says to choose them again. A part of a page that htmx fetches (the builder's search
results) shows a note to save as usual instead of a sign-in form that would leave it.

Only a POST that passed the CSRF check gets this page: a POST from another site is
refused before it could fill one (``CsrfViewMiddleware`` runs first and marks the
requests it accepted), and the CSRF token lives in its cookie, not in the session, so
an ended session alone never fails the check. Signing in makes a new token, though, so
a second tab opened before it sends an old one. ``csrf_failure`` (settings'
``CSRF_FAILURE_VIEW``) keeps that tab's work too, only when the browser says the form
was on one of our own pages (its Origin header); anything else gets Django's 403.
"""

from dataclasses import dataclass

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import csrf
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hipclinic import passkeys, two_factor
from hipclinic.forms import LoginForm

# Hidden fields carrying the lost form's fields start with this, so none can be taken
# for the sign-in form's own (a user form in the admin has a "password" field too).
KEPT = "kept-"
RETURN_TO = "return_to"
FILES_LOST = "files_lost"
# Posts that carry no work to keep: signing out of an ended session is already done.
NOTHING_TO_KEEP = {"logout", "admin:logout"}


@dataclass
class KeptWork:
    """A form that could not be handled yet: its fields in order, the path it was sent
    to, and whether it had files (which a page cannot carry)."""

    fields: list[tuple[str, str]]
    return_to: str
    files_lost: bool


class LoginRequiredKeepingWork(LoginRequiredMiddleware):
    """Django's ``LoginRequiredMiddleware``, answering a form sent from an ended session
    with the sign-in page that keeps it."""

    def handle_no_permission(self, request, view_func):
        if has_unsaved_work(request) and getattr(request, "csrf_processing_done", False):
            return sign_in_again_page(request, work_posted_to(request))
        if request.method == "GET" and request.headers.get("HX-Request"):
            return ended_notice(request)
        return super().handle_no_permission(request, view_func)


def has_unsaved_work(request: HttpRequest) -> bool:
    """A form posted to a page that needs a login (signing out aside)."""
    match = request.resolver_match
    return (
        request.method == "POST"
        and match is not None
        and getattr(match.func, "login_required", True)
        and match.view_name not in NOTHING_TO_KEEP
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


def work_posted_to(request: HttpRequest) -> KeptWork:
    """The form the request carries, to be sent again to the same path."""
    return KeptWork(kept_fields(request.POST), request.get_full_path(), bool(request.FILES))


def work_carried_by(request: HttpRequest) -> KeptWork | None:
    """The form a sign-in-again page carries; None when it would go off this site."""
    return_to = request.POST.get(RETURN_TO, "")
    if not is_path_on_this_site(request, return_to):
        return None
    fields = [
        (name.removeprefix(KEPT), value)
        for name, value in kept_fields(request.POST)
        if name.startswith(KEPT)
    ]
    return KeptWork(fields, return_to, request.POST.get(FILES_LOST) == "yes")


def is_path_on_this_site(request: HttpRequest, path: str) -> bool:
    return path.startswith("/") and url_has_allowed_host_and_scheme(
        path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def shown_whole(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """An answer to htmx (the builder) that replaces the whole page's content: the
    builder would otherwise swap in only its own part of it, and there is none."""
    if request.headers.get("HX-Request"):
        response["HX-Retarget"] = "body"
        response["HX-Reswap"] = "innerHTML show:top"
        response["HX-Reselect"] = "main"
    return response


def ended_notice(request: HttpRequest) -> HttpResponse:
    """What a part of a page fetched by htmx (the builder's search results) shows once the
    session has ended: a note to save as usual, not the sign-in page, whose own form would
    leave the page and what was typed in it."""
    response = render(request, "hipclinic/sign_in_again_notice.html")
    response["HX-Reswap"] = "innerHTML"
    return response


def sign_in_again_page(request: HttpRequest, work: KeptWork, form=None) -> HttpResponse:
    """The sign-in page holding the form that could not be saved yet."""
    response = render(
        request,
        "hipclinic/sign_in_again.html",
        {
            "form": form or LoginForm(request),
            "kept": [(KEPT + name, value) for name, value in work.fields],
            "work": work,
        },
    )
    # Nobody is signed in, so staff_pages_not_stored does not apply; the page holds
    # what was typed about a patient all the same.
    add_never_cache_headers(response)
    return shown_whole(request, response)


def send_again_page(request: HttpRequest, work: KeptWork, *, at_once: bool) -> HttpResponse:
    """The page that sends the kept form, with a fresh CSRF token, to its path: at once
    just after signing in (a small script; the button without one), on a press otherwise."""
    response = render(
        request,
        "hipclinic/sign_in_again_done.html",
        {"work": work, "at_once": at_once},
    )
    return shown_whole(request, response)


@login_not_required
@require_POST
def sign_in_again(request: HttpRequest) -> HttpResponse:
    """Sign in from the sign-in-again page: through Django's AuthenticationForm and
    ``authenticate(request=...)``, so django-axes' lock-out and the audit trail apply as
    on the ordinary sign-in page. Then the "Signed in again" page sends the kept fields
    to the path they were first posted to (a path on this site, nothing else)."""
    work = work_carried_by(request)
    if work is None:
        return HttpResponseBadRequest("That page is not on this site.")
    form = LoginForm(request, data=request.POST)
    if not form.is_valid():
        return sign_in_again_page(request, work, form)
    login(request, form.get_user())
    if two_factor.owes(request) == "second_step":
        return second_step_page(request, work)
    return send_again_page(request, work, at_once=True)


def second_step_page(request: HttpRequest, work: KeptWork, form=None) -> HttpResponse:
    """The second sign-in step (hipclinic.two_factor), still holding the kept form: a code,
    or the user's passkey, after which the page sends the same form (with the kept fields
    and no code: the view then sees nothing owed and sends the kept work on)."""
    from hipclinic.account_views import CodeForm

    has_passkey = passkeys.has_passkey(request.user)
    response = render(
        request,
        "hipclinic/sign_in_again_code.html",
        {
            "form": form or CodeForm(),
            "kept": [(KEPT + name, value) for name, value in work.fields],
            "work": work,
            "passkey": passkeys.staying_configuration(request) if has_passkey else None,
        },
    )
    add_never_cache_headers(response)
    return shown_whole(request, response)


@login_not_required
@require_POST
@sensitive_post_parameters("code")
def sign_in_again_code(request: HttpRequest) -> HttpResponse:
    """The sign-in-again page's second step: the code checked, counted and audited as on
    the ordinary second step, then the kept form is sent as after a password alone."""
    from hipclinic.account_views import CodeForm

    work = work_carried_by(request)
    if work is None:
        return HttpResponseBadRequest("That page is not on this site.")
    if two_factor.owes(request) != "second_step":
        return send_again_page(request, work, at_once=True)
    form = CodeForm(request.POST)
    if form.is_valid() and two_factor.pass_second_step(request, form.cleaned_data["code"]):
        return send_again_page(request, work, at_once=True)
    if form.is_valid():
        form.add_error("code", _("That code is not right. Check it and try again."))
    return second_step_page(request, work, form)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF failure page, except for a form from one of our own pages whose
    token is older than the last sign-in (another tab signed in since it was opened):
    its work is kept, behind a sign-in page or a button that sends it again.

    The Origin header, which a browser sets and a page cannot, is what says the form
    was ours; a request without one, or from elsewhere, gets Django's 403.
    """
    origin = f"{request.scheme}://{request.get_host()}"
    if request.headers.get("Origin") != origin:
        return csrf.csrf_failure(request, reason)
    if request.resolver_match and request.resolver_match.func is sign_in_again:
        work = work_carried_by(request)
    elif has_unsaved_work(request):
        work = work_posted_to(request)
    else:
        work = None
    if work is None:
        return csrf.csrf_failure(request, reason)
    if request.user.is_authenticated:
        return send_again_page(request, work, at_once=False)
    return sign_in_again_page(request, work)
