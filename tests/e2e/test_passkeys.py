"""Passkeys in a browser (issue 22 §3): Chromium's virtual authenticator, through
Playwright's DevTools protocol session, stands in for a phone's fingerprint reader.

A therapist adds a passkey on the enrolment page, keeps the recovery codes, logs out,
logs in with the password and passes the second step with the passkey; and after a
session ends with a form open, signs in again with password and passkey and the form is
saved. The live server
answers at http://localhost:PORT, a secure context for WebAuthn, and the relying party
is "localhost" (browsers refuse an IP address as one).
"""

import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from hipclinic.models import AuditAction, AuditEvent
from patients.models import Patient
from tests.e2e.conftest import log_in
from tests.e2e.test_expired_session import fill_in_a_new_patient, session_ends, sign_in_again
from tests.factories import PASSWORD


@pytest.fixture
def passkey_site(base_url, settings):
    """The relying party and origin of the live server (settings derive them from
    SITE_URL, which here is the live server's address)."""
    assert base_url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base_url]
    return base_url


def with_virtual_authenticator(page) -> None:
    """A platform authenticator that keeps passkeys and always verifies its user."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def add_a_passkey(page, base_url: str) -> None:
    """On the enrolment page, with the virtual authenticator, then past the recovery codes."""
    page.goto(f"{base_url}/account/two-factor/")
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(re.compile(r"/account/two-factor/passkey-added/"))
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url(f"{base_url}/")


def test_a_passkey_is_added_then_passes_the_second_step(page, passkey_site, therapist):
    base_url = passkey_site
    with_virtual_authenticator(page)
    log_in(page, base_url, therapist)

    add_a_passkey(page, base_url)
    passkey = WebAuthnCredential.objects.get(user=therapist)
    assert passkey.name == "Passkey"

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login/"))
    page.get_by_label("Username").fill(therapist.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/login/second-step/"))
    page.get_by_role("button", name="Use your passkey").click()

    page.wait_for_url(f"{base_url}/")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert not AuditEvent.objects.filter(action=AuditAction.SECOND_STEP_FAILED).exists()


def test_signing_in_again_with_the_passkey_saves_what_was_typed(page, passkey_site, therapist):
    base_url = passkey_site
    with_virtual_authenticator(page)
    log_in(page, base_url, therapist)
    add_a_passkey(page, base_url)
    fill_in_a_new_patient(page, base_url)
    session_ends()

    page.get_by_role("button", name="Save").click()
    sign_in_again(page, therapist)
    page.get_by_role("button", name="Use your passkey").click()

    page.get_by_role("heading", name="Robin Okafor").wait_for()
    assert Patient.objects.get().clinic == therapist.clinic
