"""Passkeys (WebAuthn) as a second factor, through django-otp-webauthn.

A passkey is a django-otp device (``WebAuthnCredential``), so everything in
hipclinic.two_factor counts it as it counts an authenticator app: it enrols the user
(``is_enrolled``), it is listed by ``devices_for_user``, and removing the last one asks
the same rule. The package does the ceremonies (its views and its JavaScript); here is
only what hipclinic adds to them:

- Enrolment (the package's registration): the passkey gets a readable name, and
  ``two_factor.device_enrolled`` audits it, verifies the session and makes the first
  device's recovery codes, kept in the session until the page that shows them once.
- The second step (the package's authentication): refused unless the request owes it,
  so not for someone signed out, nor before the password, nor once verified. A
  failure the server sees (a signature that does not check, another account's or an
  unknown passkey, a replayed or missing challenge) counts in django-axes and is audited
  like a wrong code, and while the account's second step is locked no passkey is checked.
  A prompt the user cancels, or that times out, ends in the browser: the server never
  hears of it, so it cannot count.
- Passwordless sign-in is off (settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN): a passkey
  is a second factor, after the password.
"""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    CompleteCredentialAuthenticationView,
)

from hipclinic import two_factor

PASSKEY_NAME = "Passkey"
# Recovery codes made with a first passkey wait here for the page that shows them once.
CODES_TO_SHOW = "recovery_codes_to_show"
# Asked by a page that stays put after the passkey (staying_configuration).
STAY = "stay"


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def passkey_name(user) -> str:
    """The name a new passkey gets, for the user's list of devices: Passkey, then
    Passkey 2, Passkey 3, the first that none of their passkeys has."""
    taken = set(WebAuthnCredential.objects.filter(user=user).values_list("name", flat=True))
    name, number = PASSKEY_NAME, 1
    while name in taken:
        number += 1
        name = f"{PASSKEY_NAME} {number}"
    return name


def staying_configuration(request: HttpRequest) -> dict:
    """The package script's configuration for a page that stays put after the passkey
    (the sign-in-again page, whose kept form is then sent from the page itself): the
    complete step is asked to answer with nowhere to go."""
    complete = reverse("otp_webauthn:credential-authentication-complete")
    return get_configuration(request, {"completeAuthenticationUrl": f"{complete}?{STAY}=1"})


def recovery_codes_to_show(request: HttpRequest) -> list[str]:
    """The recovery codes made with the user's first passkey, once: gone once read."""
    return request.session.pop(CODES_TO_SHOW, [])


class PasskeyHelper(WebAuthnHelper):
    """The package's ceremonies (settings.OTP_WEBAUTHN_HELPER_CLASS), with a name for each
    new passkey and hipclinic's enrolment once it is saved."""

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = passkey_name(user)
        return device

    def register_complete(self, user, state, data):
        device = super().register_complete(user=user, state=state, data=data)
        codes = two_factor.device_enrolled(self.request, device)
        if codes:
            self.request.session[CODES_TO_SHOW] = codes
        return device


class NothingToVerify(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = _("There is no sign-in step to finish. Reload the page.")
    default_code = "nothing_to_verify"


class SecondStepLocked(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = _("Too many failed attempts. Try again later.")
    default_code = "locked_out"


class OwedSecondStep:
    """An authentication ceremony only for a user who has passed the password and owes
    the second step (anyone else is refused before a challenge is even made)."""

    def check_can_authenticate(self):
        if two_factor.owes(self.request) != "second_step":
            raise NothingToVerify()


class PasskeyAuthenticationBegin(OwedSecondStep, BeginCredentialAuthenticationView):
    pass


class PasskeyAuthenticationComplete(OwedSecondStep, CompleteCredentialAuthenticationView):
    """The passkey's answer checked: the step passed as with a code (its failures forgotten,
    the session verified), or the failure counted and audited."""

    def check_can_authenticate(self):
        super().check_can_authenticate()
        if two_factor.second_step_locked(self.request):
            raise SecondStepLocked()

    def complete_auth(self, device):
        two_factor.second_step_passed(self.request, device)

    def get_success_url(self):
        if self.request.GET.get(STAY):
            return ""  # the package's script then goes nowhere: the page sends its form
        return two_factor.safe_next(self.request)

    def handle_exception(self, exc):
        if (
            isinstance(exc, exceptions.OTPWebAuthnApiError)
            and not isinstance(exc, (NothingToVerify, SecondStepLocked))
            and two_factor.owes(self.request) == "second_step"
        ):
            two_factor.second_step_failed(self.request)
        return super().handle_exception(exc)
