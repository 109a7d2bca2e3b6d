"""Two-factor sign-in: who needs it, enrolment, the second step, and the middleware that
lets a signed-in user do nothing else until the second step (or enrolment) is done.

The password is the first step (Django's login view, or the sign-in-again page). A user
with a confirmed device then owes the second step: a code from their authenticator app
(django-otp's TOTP device), their passkey (django-otp-webauthn's device, whose ceremony
is in hipclinic.passkeys) or one of their recovery codes (a static device, each code
deleted as it is used). A user who has no device but must have one (their clinic
requires it, or a platform admin with DEBUG off) is taken to enrolment. Until then
every page answers with a redirect there: the app, the admin (whose own login page
sends to ours, so there is no way round) and every form.

Wrong codes and failed passkeys count as failed logins in django-axes under the
account's own name with " (second step)" after it: the same lock-out rule and limit, but
a counter that a correct password does not reset (``AXES_RESET_ON_SUCCESS`` would
otherwise let a guesser who has the password try codes without end). Enrolment, removal
and every failed second step are audited; no code or key ever reaches the trail or
axes' records.
"""

import base64
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from hipclinic.access import client_ip
from hipclinic.audit import SECOND_STEP_SUFFIX, audit_account
from hipclinic.models import AuditAction

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

# Pages a user who owes the second step may still open: the step itself, enrolment,
# signing out, the sign-in-again page's own second step, and the passkey ceremonies that
# enrolment and the step use (hipclinic.passkeys, which checks each one's state). Pages
# that need no login at all (the patients' pages, the health check) are open to everyone.
OPEN_BEFORE_SECOND_STEP = {
    "second_step",
    "two_factor_enrol",
    "logout",
    "sign_in_again_code",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
}


def needs_two_factor(user) -> bool:
    """Whether this account must have a second factor: its clinic asks it of all staff, or
    it is a platform admin's and DEBUG is off (settings.TWO_FACTOR_FOR_PLATFORM_ADMINS)."""
    if user.is_superuser and settings.TWO_FACTOR_FOR_PLATFORM_ADMINS:
        return True
    return bool(user.clinic_id and user.clinic.require_two_factor)


def sign_in_devices(user) -> list:
    """The user's confirmed devices that can stand alone as a second factor (recovery
    codes back one up; on their own they are no enrolment)."""
    return [
        device
        for device in devices_for_user(user, confirmed=True)
        if not isinstance(device, StaticDevice)
    ]


def has_app(user) -> bool:
    """Whether the user has a confirmed authenticator app (rather than passkeys only)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_enrolled(user) -> bool:
    return bool(sign_in_devices(user))


def owes(request: HttpRequest) -> str | None:
    """What a signed-in request still owes before any page: "second_step", "enrolment",
    or None (nothing: verified, or an account that may sign in with a password alone)."""
    user = request.user
    # A user signed in by this very request has no is_verified() yet (OTPMiddleware adds it
    # when a request starts): not verified.
    verified = getattr(user, "is_verified", None)
    if not user.is_authenticated or (verified is not None and verified()):
        return None
    if is_enrolled(user):
        return "second_step"
    if needs_two_factor(user):
        return "enrolment"
    return None


class SecondStepRequired:
    """Middleware: a user who owes the second step or enrolment is sent there, from every
    page that needs a login, with where they were going kept as ``next``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None  # a page for everyone (the patients' pages, sign-in)
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_SECOND_STEP:
            return None
        owed = owes(request)
        if owed is None:
            return None
        to = "second_step" if owed == "second_step" else "two_factor_enrol"
        going = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': going})}" if going else ""
        return redirect(reverse(to) + query)


def safe_next(request: HttpRequest, fallback: str = "patients:today") -> str:
    """Where to go after the second step: the ``next`` asked for, if it is on this site."""
    going = request.POST.get("next") or request.GET.get("next") or ""
    if going and url_has_allowed_host_and_scheme(
        going, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return going
    return reverse(fallback)


def axes_name(user) -> str:
    """The name the second step's failures are counted under in django-axes."""
    return f"{user.username}{SECOND_STEP_SUFFIX}"


def pass_second_step(request: HttpRequest, code: str) -> bool:
    """Check a code from the user's authenticator app or one of their recovery codes.

    True and the session is verified; False and the failure is counted by django-axes
    (which locks the account at this address after AXES_FAILURE_LIMIT, the same limit as
    passwords) and audited. While locked, no code is even checked.
    """
    user = request.user
    if second_step_locked(request):
        request.axes_locked_out = True  # AxesMiddleware answers with its lock-out page
        request.axes_credentials = {"username": axes_name(user)}
        return False
    code = "".join(code.split()).lower()
    device = matching_device(user, code) if code else None
    if device is None:
        second_step_failed(request)
        return False
    second_step_passed(request, device)
    return True


def second_step_locked(request: HttpRequest) -> bool:
    """Whether django-axes has locked this account's second step at this address; while it
    is, no code or passkey is checked."""
    return not AxesProxyHandler.is_allowed(request, {"username": axes_name(request.user)})


def second_step_failed(request: HttpRequest) -> None:
    """A failed second step, by code or passkey: django-axes counts it (and locks when it
    must) and hipclinic.audit records it, both from Django's user_login_failed signal."""
    credentials = {"username": axes_name(request.user)}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)


def second_step_passed(request: HttpRequest, device) -> None:
    """The second step done with ``device``: its failures forgotten, the session verified."""
    AxesProxyHandler.reset_attempts(
        ip_address=client_ip(request), username=axes_name(request.user), ip_or_username=False
    )
    otp_login(request, device)


def matching_device(user, code: str):
    """The confirmed device (app or recovery codes) that accepts ``code``, or None. A
    recovery code is deleted as it is accepted, so it works once.

    The devices are read locked (``for_verify``) inside one transaction, so two requests
    with the same code cannot both pass: the second waits, then finds the code used (an
    app's code advances the device's counter). Outside a transaction PostgreSQL refuses
    the lock, so the transaction is this function's own, not left to the request."""
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def unconfirmed_app_device(user) -> TOTPDevice:
    """The authenticator-app device being enrolled: the one begun earlier, or a new key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def key_for_typing(device: TOTPDevice) -> str:
    """The device's key as an authenticator app takes it typed: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_data_url(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as a QR code, an SVG data URL (our CSP allows data:
    pictures, and the key never leaves the page for a picture service)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def confirm_app_device(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device being enrolled with a code from the app (device_enrolled then
    does the rest). None when the code is wrong."""
    code = "".join(code.split())
    if not code or not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device_enrolled(request, device)


def device_enrolled(request: HttpRequest, device) -> list[str]:
    """A new sign-in device (an authenticator app, a passkey) counts from now on: the
    enrolment is audited, the session is verified with it unless it already was, and
    when it is the account's first, the user gets recovery codes (returned, to show once;
    none for a later device, so codes already kept stay good)."""
    user = request.user
    audit_account(request, AuditAction.TWO_FACTOR_ENROLLED, user)
    if not user.is_verified():
        otp_login(request, device)
    others = [
        other for other in sign_in_devices(user) if other.persistent_id != device.persistent_id
    ]
    return [] if others else new_recovery_codes(request)


def new_recovery_codes(request: HttpRequest) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; audited, the
    codes themselves only returned (to show once), stored only in django-otp's table."""
    user = request.user
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_account(request, AuditAction.RECOVERY_CODES_MADE, user)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def device_kind(device) -> str:
    """What a device is, in the user's words; a kind without a name of ours is called by
    its model's verbose name."""
    if isinstance(device, TOTPDevice):
        return str(_("Authenticator app"))
    if isinstance(device, WebAuthnCredential):
        return str(_("Passkey"))
    return capfirst(str(device._meta.verbose_name))


def devices_listed(user) -> list:
    """The user's sign-in devices for their security page, whatever their kind (from
    django-otp's ``devices_for_user``), each with its ``kind`` to show."""
    devices = sign_in_devices(user)
    for device in devices:
        device.kind = device_kind(device)
    return devices


def own_device(user, persistent_id: str):
    """The user's own sign-in device with this id (django-otp's ``persistent_id``), or
    None: another user's device, recovery codes or an id that names nothing."""
    return next((d for d in sign_in_devices(user) if d.persistent_id == persistent_id), None)


def may_remove(user, device) -> bool:
    """False for the user's last sign-in device when their account must keep a second
    factor: they add the new one first, then remove the old. (Removing it and sending
    them to enrolment would keep the rule too, but until they enrolled again the account
    would stand on its password alone: whoever else knew it could sign in, be sent to
    enrolment, and enrol a phone of their own.)"""
    others = [d for d in sign_in_devices(user) if d.persistent_id != device.persistent_id]
    return bool(others) or not needs_two_factor(user)


def remove_device(request: HttpRequest, device) -> bool:
    """Remove one of the user's own sign-in devices; refused (False) when it is the last
    and the account must keep a second factor (``may_remove``). With the last one gone
    the recovery codes go too. Audited."""
    user = request.user
    if not may_remove(user, device):
        return False
    device.delete()
    if not is_enrolled(user):
        StaticDevice.objects.filter(user=user).delete()
    audit_account(request, AuditAction.TWO_FACTOR_REMOVED, user)
    return True
