"""Patients' private links: making, finding, revoking and addressing them.

A link's token is ``HMAC-SHA256(link key, token_seed)``, where the seed is 32
random bytes kept on the link row and the key comes from the server's settings
(``PATIENT_LINK_KEY``, else derived from ``SECRET_KEY``). The database stores
the seed and the SHA-256 of the token, never the token: someone holding a copy of
the database cannot open a link, while the clinic can still print the link on
every new handout and email it again. Changing the key retires every link.

A link's state changes only through the functions here (``create_link``,
``extend_link``, ``revoke_link``), in the app and in the admin alike: each keeps
the rules (no link opens for more than ``PATIENT_LINK_MAX_DAYS`` days from now, a
revoked link never opens again) and writes an audit event.
"""

import base64
import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from hipclinic.models import AuditAction, AuditEvent
from patients.models import Patient, PatientLink


def _key() -> bytes:
    secret = getattr(settings, "PATIENT_LINK_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"hipclinic patient link key:" + secret.encode()).digest()


def token_for(link: PatientLink) -> str:
    """The token in the link's URL: 256 bits, URL-safe, 43 characters."""
    digest = hmac.new(_key(), link.token_seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_path(link: PatientLink) -> str:
    return reverse("public:patient_page", args=[token_for(link)])


def site_url(path: str) -> str:
    """``path`` as a full address on the site named by ``SITE_URL``, for emails and QR codes."""
    return settings.SITE_URL.rstrip("/") + path


def link_url(link: PatientLink) -> str:
    """The full address a patient opens."""
    return site_url(link_path(link))


DISCHARGED = gettext_lazy("This patient is discharged; their links do not open.")


class LinkRefused(Exception):
    """A link change the rules do not allow; the message says why, in plain words."""


def checked_days(days: int) -> int:
    """``days`` if a link may open that long from now, else LinkRefused."""
    most = settings.PATIENT_LINK_MAX_DAYS
    if not 1 <= days <= most:
        raise LinkRefused(
            gettext("A link opens for at least 1 day and at most %(most)d days from today.")
            % {"most": most}
        )
    return days


@transaction.atomic
def create_link(
    patient: Patient, created_by, *, days: int | None = None, revoke_others: bool = False, ip=None
) -> PatientLink:
    """A new live link for ``patient``, valid ``days`` days (the clinic default if omitted)."""
    days = checked_days(days or settings.PATIENT_LINK_DAYS)
    if revoke_others:
        for old in PatientLink.objects.live().filter(patient=patient):
            revoke_link(old, created_by, ip=ip)
    link = PatientLink(
        patient=patient,
        created_by=created_by,
        token_seed=secrets.token_hex(32),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    link.token_hash = hash_token(token_for(link))
    link.save()
    AuditEvent.record(AuditAction.CREATED, link, actor=created_by, clinic=patient.clinic, ip=ip)
    return link


@transaction.atomic
def live_link_for(patient: Patient, created_by=None) -> PatientLink:
    """The patient's newest live link, making one if they have none (for a new handout).

    The patient's row is locked first, so two handouts issued at once for a patient
    without a link share one new link rather than making one each.
    """
    Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk").first()
    link = PatientLink.objects.live().filter(patient=patient).order_by("-created_at").first()
    return link or create_link(patient, created_by)


def revoke_link(link: PatientLink, user, *, ip=None) -> None:
    """Stop a link from opening, at once. Revoking twice changes nothing."""
    if link.revoked_at is not None:
        return
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    AuditEvent.record(AuditAction.REVOKED, link, actor=user, clinic=link.patient.clinic, ip=ip)


@transaction.atomic
def extend_link(link: PatientLink, user, *, days: int, ip=None) -> PatientLink:
    """Let a link open until ``days`` days from now (at most ``PATIENT_LINK_MAX_DAYS``).

    A revoked link stays revoked and a discharged patient's link stays shut: a
    new link is the way back for them. An expired link may be extended, since the
    patient's printed handouts carry its QR code. The expiry only ever moves later.
    """
    days = checked_days(days)
    # Locked and read again, so a revocation made meanwhile is not undone.
    link = PatientLink.objects.select_for_update().select_related("patient__clinic").get(pk=link.pk)
    if link.revoked_at is not None:
        raise LinkRefused(
            gettext("This link is revoked and never opens again; create a new link instead.")
        )
    if not link.patient.is_active:
        raise LinkRefused(DISCHARGED)
    expires_at = timezone.now() + datetime.timedelta(days=days)
    if expires_at <= link.expires_at:
        raise LinkRefused(
            gettext("This link already opens until %(day)s.") % {"day": opens_until(link)}
        )
    link.expires_at = expires_at
    link.save(update_fields=["expires_at"])
    AuditEvent.record(AuditAction.EXTENDED, link, actor=user, clinic=link.patient.clinic, ip=ip)
    return link


def opens_until(link: PatientLink) -> str:
    """The link's last day, as staff read it (``3 Mar 2027``)."""
    return date_format(timezone.localtime(link.expires_at), "SHORT_DATE_FORMAT")


def open_link(token: str) -> PatientLink | None:
    """The live link a token belongs to; None for any other token. Opening writes
    nothing: a link's uses are the audit events made under it (``with_uses``), so a
    patient's page view costs one write, its audit event.

    Unknown, expired and revoked tokens and discharged patients all give None, so
    the caller cannot tell them apart, and neither can the visitor.
    """
    if not 20 <= len(token) <= 64:
        return None
    link = (
        PatientLink.objects.live()
        .select_related("patient__clinic")
        .filter(token_hash=hash_token(token))
        .first()
    )
    return link


def links_for_staff(patient: Patient) -> list[tuple[PatientLink, str]]:
    """The patient's links, newest first, each with its address while it still opens."""
    # Ordered here: a query that counts (GROUP BY) leaves the model's ordering out.
    links = (
        PatientLink.objects.filter(patient=patient)
        .select_related("patient")
        .with_uses()
        .order_by("-created_at")
    )
    return [(link, link_url(link) if link.is_live else "") for link in links]
