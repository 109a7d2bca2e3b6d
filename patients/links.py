"""Patients' private links: making, finding, revoking and addressing them.

A link's token is ``HMAC-SHA256(link key, token_seed)``, where the seed is 32
random bytes kept on the link row and the key comes from the server's settings
(``PATIENT_LINK_KEY``, else derived from ``SECRET_KEY``). The database stores
the seed and the SHA-256 of the token, never the token: someone holding a copy of
the database cannot open a link, while the clinic can still print the link on
every new handout and email it again. Changing the key retires every link.
"""

import base64
import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

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
    return reverse("patient_page", args=[token_for(link)])


def link_url(link: PatientLink) -> str:
    """The full address a patient opens, on the site named by ``SITE_URL``."""
    return settings.SITE_URL.rstrip("/") + link_path(link)


@transaction.atomic
def create_link(
    patient: Patient, created_by, *, days: int | None = None, revoke_others: bool = False, ip=None
) -> PatientLink:
    """A new live link for ``patient``, valid ``days`` days (the clinic default if omitted)."""
    if revoke_others:
        for old in PatientLink.objects.live().filter(patient=patient):
            revoke_link(old, created_by, ip=ip)
    link = PatientLink(
        patient=patient,
        created_by=created_by,
        token_seed=secrets.token_hex(32),
        expires_at=timezone.now() + datetime.timedelta(days=days or settings.PATIENT_LINK_DAYS),
    )
    link.token_hash = hash_token(token_for(link))
    link.save()
    AuditEvent.record(AuditAction.CREATED, link, actor=created_by, clinic=patient.clinic, ip=ip)
    return link


def live_link_for(patient: Patient, created_by=None) -> PatientLink:
    """The patient's newest live link, making one if they have none (for a new handout)."""
    link = PatientLink.objects.live().filter(patient=patient).order_by("-created_at").first()
    return link or create_link(patient, created_by)


def revoke_link(link: PatientLink, user, *, ip=None) -> None:
    """Stop a link from opening, at once. Revoking twice changes nothing."""
    if link.revoked_at is not None:
        return
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    AuditEvent.record(AuditAction.REVOKED, link, actor=user, clinic=link.patient.clinic, ip=ip)


def open_link(token: str) -> PatientLink | None:
    """The live link a token belongs to, counting the use; None for any other token.

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
    if link is None:
        return None
    PatientLink.objects.filter(pk=link.pk).update(
        last_used_at=timezone.now(), use_count=F("use_count") + 1
    )
    return link


def links_for_staff(patient: Patient) -> list[tuple[PatientLink, str]]:
    """The patient's links, newest first, each with its address while it still opens."""
    links = PatientLink.objects.filter(patient=patient).select_related("patient")
    return [(link, link_url(link) if link.is_live else "") for link in links]
