"""Audit events: what staff do (``audit``), and logins: success, failure and lock-out
(django-axes).

Only ids go into the trail: never the username typed, never a password. A failed
login for a username that matches an account names that account; otherwise the
event has no target.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from hipclinic.access import client_ip
from hipclinic.models import AuditAction, AuditEvent


def clinic_of(row):
    """The clinic a row belongs to, found by following its ``clinic_lookup``
    (``"patient__clinic"``: the row's patient's clinic; ``"pk"``: the row is a clinic)."""
    if row.clinic_lookup == "pk":
        return row
    for name in row.clinic_lookup.split("__"):
        row = getattr(row, name)
    return row


def audit(request, action: AuditAction, target) -> AuditEvent:
    """Record that the request's user did ``action`` to ``target``: the target's clinic,
    the request's address (``client_ip``), ids only."""
    return AuditEvent.record(
        action, target, actor=request.user, clinic=clinic_of(target), ip=client_ip(request)
    )


def audit_account(request, action: AuditAction, user) -> AuditEvent:
    """An event about the account itself (two-factor, password, sessions): its owner did
    it, ids only."""
    return AuditEvent.record(action, user, actor=user, clinic=user.clinic, ip=client_ip(request))


# django-axes counts a wrong second-step code under the account's name with this after
# it (hipclinic.two_factor): the audit names the account, and says which step failed.
SECOND_STEP_SUFFIX = " (second step)"


def account_named(username: str | None):
    if not username:
        return None
    username = username.removesuffix(SECOND_STEP_SUFFIX)
    return get_user_model().objects.filter(username=username).first()


def logged_in(sender, request, user, **kwargs):
    AuditEvent.record(
        AuditAction.LOGGED_IN, user, actor=user, clinic=user.clinic, ip=client_ip(request)
    )


def login_failed(sender, credentials, request=None, **kwargs):
    """A wrong password, or a wrong code at the second step (never the code itself)."""
    username = credentials.get("username") or ""
    account = account_named(username)
    second_step = username.endswith(SECOND_STEP_SUFFIX)
    AuditEvent.record(
        AuditAction.SECOND_STEP_FAILED if second_step else AuditAction.LOGIN_FAILED,
        account,
        clinic=account.clinic if account else None,
        ip=client_ip(request) if request else None,
    )


def locked_out(sender, request, username, ip_address, **kwargs):
    """The moment an account gets locked at an address: once per lock, not once per refusal.

    A lock is one account at one address (settings.AXES_LOCKOUT_PARAMETERS), so the
    event names the account whose password failed and nobody else. django-axes
    signals again at every attempt made while the lock lasts; those attempts are
    already audited as failed logins.
    """
    account = account_named(username)
    target_id = str(account.pk) if account else ""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    already = AuditEvent.objects.filter(
        action=AuditAction.LOCKED_OUT,
        target_id=target_id,
        ip_address=ip_address or None,
        created_at__gte=since,
    )
    if already.exists():
        return
    AuditEvent.record(
        AuditAction.LOCKED_OUT,
        account,
        clinic=account.clinic if account else None,
        ip=ip_address or None,
    )
