"""Invitations: a manager invites a colleague by email address and role, for the manager's
own clinic; the colleague opens a one-time link, chooses a username and their own
password (Django's validators) and is signed in. A manager never types or sees a
colleague's password.

A link is a random token of which only the SHA-256 is kept; it works until it is used,
withdrawn, sent again (a new link replaces it) or INVITATION_DAYS have passed. Inviting,
sending again, withdrawing and accepting are audited.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import login
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hipclinic.audit import audit
from hipclinic.models import AuditAction, Invitation, User

INVITATION_DAYS = 7


def hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_link(invitation: Invitation) -> str:
    """Give the invitation a fresh token and expiry; the token, to put in the email only."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hashed(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + datetime.timedelta(days=INVITATION_DAYS)
    return token


def _send(request, invitation: Invitation, token: str) -> None:
    link = request.build_absolute_uri(reverse("invitation_accept", args=[token]))
    body = render_to_string(
        "hipclinic/account/invitation_email.txt",
        {"clinic": invitation.clinic, "link": link, "days": INVITATION_DAYS},
    )
    subject = _("You are invited to %(clinic)s on hipclinic") % {"clinic": invitation.clinic}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def invite(request, email: str, role: str) -> Invitation:
    """Invite ``email`` as ``role`` to the inviting manager's own clinic, and mail the link."""
    invitation = Invitation(
        clinic=request.user.clinic, email=email, role=role, invited_by=request.user
    )
    token = _new_link(invitation)
    invitation.save()
    audit(request, AuditAction.INVITED, invitation)
    _send(request, invitation, token)
    return invitation


def resend(request, invitation: Invitation) -> None:
    """Send a pending invitation again, with a new link (the old one stops working)."""
    token = _new_link(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    audit(request, AuditAction.INVITATION_RESENT, invitation)
    _send(request, invitation, token)


def withdraw(request, invitation: Invitation) -> None:
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    audit(request, AuditAction.INVITATION_WITHDRAWN, invitation)


def pending_for(user):
    """The invitations of the user's clinic that can still be accepted, sent again or withdrawn."""
    return Invitation.objects.visible_to(user).filter(accepted_at=None, withdrawn_at=None)


def usable(token: str) -> Invitation | None:
    """The invitation this link opens, or None: unknown, used, withdrawn, replaced or expired."""
    return (
        Invitation.objects.select_related("clinic")
        .filter(
            token_hash=hashed(token),
            accepted_at=None,
            withdrawn_at=None,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def accept(request, invitation: Invitation, username: str, password: str) -> User:
    """Make the invitee's account (staff of the invitation's clinic, in its role, with the
    password they chose), use up the link, audit it and sign them in."""
    user = User(
        username=username,
        email=invitation.email,
        clinic=invitation.clinic,
        role=invitation.role,
        is_staff=True,
    )
    user.set_password(password)
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.account = user
    invitation.save(update_fields=["accepted_at", "account"])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit(request, AuditAction.INVITATION_ACCEPTED, invitation)
    return user
