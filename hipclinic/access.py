"""Who may open the app's pages.

``LoginRequiredMiddleware`` already sends anonymous visitors to the login page;
these decorators add the staff and manager checks every app view needs. Which
*rows* a user may see is clinic scoping's job (``visible_to``), not these.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def staff_required(view):
    """A logged-in, active staff member (therapist, manager or platform admin)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def is_manager(user) -> bool:
    """Managers (and platform admins) keep the clinic's own exercises and protocols."""
    return user.is_superuser or user.is_manager


def manager_required(view):
    """A clinic manager (or a platform admin): the people who curate the clinic's library."""

    @wraps(view)
    @staff_required
    def wrapped(request, *args, **kwargs):
        if not is_manager(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def client_ip(request) -> str | None:
    """The address the request came from, for the audit trail."""
    return request.META.get("REMOTE_ADDR") or None
