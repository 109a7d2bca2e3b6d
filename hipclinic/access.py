"""Who may open the app's pages.

``LoginRequiredMiddleware`` already sends anonymous visitors to the login page;
``staff_required`` adds the staff check every app view needs, and each view declares
the permission it asks for (Django's ``permission_required``, from the role lists
in ``hipclinic/auth.py``), as the admin does. Which
*rows* a user may see is clinic scoping's job (``visible_to``), not these.
"""

import ipaddress
from functools import wraps

from django.conf import settings
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


def client_ip(request) -> str | None:
    """The address the request came from: the one rule for the audit trail, the login
    lock-out (django-axes calls it) and the patient pages' rate limits.

    ``X-Forwarded-For`` is only a header, and a client can send one of its own, so it
    counts only behind ``TRUSTED_PROXY_COUNT`` proxies that each append the address
    they saw: the address the outermost of them saw is then the count-th from the
    right. With no trusted proxy (the default) the header is ignored and the address
    is the connection's own. A value that is not an address falls back to the
    connection's, so nothing a client writes can reach the audit trail or split a lock.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies < 1 or not forwarded:
        return remote
    chain = [address.strip() for address in forwarded.split(",")]
    # Fewer entries than proxies: the leftmost was still written by a trusted proxy.
    candidate = chain[max(len(chain) - proxies, 0)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
