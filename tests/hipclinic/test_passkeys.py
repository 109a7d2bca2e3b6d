"""Passkeys as a second factor (issue 22 §3), server side: the pages that offer them, the
ceremonies' endpoints and the state each needs, and what the database holds after.

The passkey here is a software one (``SoftPasskey``): a P-256 key that answers the
server's challenges as an authenticator does, so the package's real checks (challenge,
origin, relying party, signature) run. tests/e2e/test_passkeys.py does the same in
Chromium with its virtual authenticator.
"""

import base64
import hashlib
import json
import os

import cbor2
import pytest
from axes.models import AccessAttempt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.urls import reverse
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticToken
from django_otp_webauthn.models import WebAuthnCredential

from hipclinic import two_factor
from hipclinic.models import AuditAction, AuditEvent
from hipclinic.settings import webauthn_relying_party
from tests.csp import inline_code
from tests.factories import UserFactory
from tests.hipclinic.test_two_factor import enrol, sign_in

pytestmark = pytest.mark.django_db

BASE = "/account/passkeys/"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftPasskey:
    """An authenticator in software: what a phone's or a security key's would send."""

    def __init__(self, credential_id: bytes | None = None):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = credential_id or os.urandom(32)
        self.rp_id = settings.OTP_WEBAUTHN_RP_ID
        self.origin = settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0]
        self.sign_count = 0

    def public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        x, y = numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: x, -3: y})  # COSE: EC2, ES256, P-256

    def authenticator_data(self, *, with_credential: bool) -> bytes:
        self.sign_count += 1
        flags = 0x01 | 0x04 | (0x40 if with_credential else 0)  # present, verified, new key
        data = hashlib.sha256(self.rp_id.encode()).digest() + bytes([flags])
        data += self.sign_count.to_bytes(4, "big")
        if with_credential:
            data += bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id
            data += self.public_key()
        return data

    def client_data(self, kind: str, options: dict) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": options["challenge"], "origin": self.origin}
        ).encode()

    def create(self, options: dict) -> dict:
        attestation = {"fmt": "none", "attStmt": {}}
        attestation["authData"] = self.authenticator_data(with_credential=True)
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(self.client_data("webauthn.create", options)),
                "attestationObject": b64url(cbor2.dumps(attestation)),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def get(self, options: dict) -> dict:
        client_data = self.client_data("webauthn.get", options)
        data = self.authenticator_data(with_credential=False)
        signed = data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(data),
                "signature": b64url(signature),
            },
            "clientExtensionResults": {},
        }


def post_json(client, path: str, data: dict | None = None):
    return client.post(BASE + path, json.dumps(data or {}), content_type="application/json")


def add_passkey(client, passkey: SoftPasskey):
    """Register ``passkey`` for whoever is signed in on ``client``, as the enrolment page's
    script does: begin, let the authenticator answer, complete."""
    options = post_json(client, "registration/begin/").json()
    return post_json(client, "registration/complete/", passkey.create(options))


def use_passkey(client, passkey: SoftPasskey, query: str = ""):
    options = post_json(client, "authentication/begin/").json()
    return post_json(client, f"authentication/complete/{query}", passkey.get(options))


@pytest.fixture
def with_passkey(client, therapist):
    """The therapist, with a passkey added (and so recovery codes), signed out."""
    sign_in(client, therapist)
    passkey = SoftPasskey()
    assert add_passkey(client, passkey).status_code == 200
    client.logout()
    return passkey


def is_verified(client) -> bool:
    return client.get("/patients/").status_code == 200


def test_the_enrolment_page_offers_a_passkey_beside_the_app(client, therapist):
    sign_in(client, therapist)

    response = client.get("/account/two-factor/")

    body = response.content.decode()
    assert "Use a passkey" in body and "Use an authenticator app" in body
    assert 'id="passkey-register-button"' in body
    assert "django_otp_webauthn/otp_webauthn_register.js" in body
    assert 'id="otp_webauthn_config" type="application/json"' in body
    assert inline_code(body) == []


def test_adding_a_passkey_enrols_the_user_and_shows_recovery_codes_once(client, therapist):
    sign_in(client, therapist)

    response = add_passkey(client, SoftPasskey())

    assert response.status_code == 200
    passkey = WebAuthnCredential.objects.get(user=therapist)
    assert passkey.confirmed and passkey.name == "Passkey"
    assert two_factor.is_enrolled(therapist)
    assert passkey in list(devices_for_user(therapist, confirmed=True))
    page = client.get("/account/two-factor/passkey-added/?next=/patients/")
    codes = page.context["codes"]
    assert len(codes) == 10 and all(code in page.content.decode() for code in codes)
    assert StaticToken.objects.filter(device__user=therapist).count() == 10
    again = client.get("/account/two-factor/passkey-added/?next=/patients/")
    assert again.status_code == 302 and again.url == "/patients/"  # shown once
    assert is_verified(client)  # adding it counts as its first use


def test_adding_a_passkey_is_audited_without_key_material(client, therapist):
    sign_in(client, therapist)
    add_passkey(client, SoftPasskey())

    passkey = WebAuthnCredential.objects.get(user=therapist)
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_ENROLLED)
    assert event.target_id == str(therapist.pk)
    trail = str(vars(event))
    for secret in [passkey.credential_id.hex(), passkey.public_key.hex()]:
        assert secret[:16] not in trail


def test_a_second_passkey_keeps_the_recovery_codes_already_kept(client, therapist):
    sign_in(client, therapist)
    add_passkey(client, SoftPasskey())
    codes = set(client.get("/account/two-factor/passkey-added/").context["codes"])

    assert add_passkey(client, SoftPasskey()).status_code == 200

    names = WebAuthnCredential.objects.filter(user=therapist).values_list("name", flat=True)
    assert sorted(names) == ["Passkey", "Passkey 2"]
    assert client.get("/account/two-factor/passkey-added/").status_code == 302
    kept = set(StaticToken.objects.filter(device__user=therapist).values_list("token", flat=True))
    assert kept == codes


def test_a_new_passkey_takes_the_first_name_none_of_the_users_passkeys_has(client, therapist):
    sign_in(client, therapist)
    for _ in range(3):
        add_passkey(client, SoftPasskey())
    WebAuthnCredential.objects.get(user=therapist, name="Passkey 2").delete()

    add_passkey(client, SoftPasskey())

    names = WebAuthnCredential.objects.filter(user=therapist).values_list("name", flat=True)
    assert sorted(names) == ["Passkey", "Passkey 2", "Passkey 3"]


def test_a_passkey_user_is_asked_for_the_second_step_and_offered_the_passkey(
    client, therapist, with_passkey
):
    sign_in(client, therapist)

    assert client.get("/patients/").url == "/login/second-step/?next=%2Fpatients%2F"
    page = client.get("/login/second-step/?next=/patients/")
    body = page.content.decode()
    assert "Use your passkey" in body
    assert "django_otp_webauthn/otp_webauthn_auth.js" in body
    assert inline_code(body) == []


def test_the_second_step_offers_no_passkey_to_a_user_without_one(client, therapist):
    sign_in(client, therapist)
    enrol(client, therapist)
    client.logout()
    sign_in(client, therapist)

    body = client.get("/login/second-step/").content.decode()

    assert "Use your passkey" not in body and "otp_webauthn_auth.js" not in body


def test_the_passkey_passes_the_second_step(client, therapist, with_passkey):
    sign_in(client, therapist)

    options = post_json(client, "authentication/begin/").json()
    allowed = [credential["id"] for credential in options["allowCredentials"]]
    assert allowed == [b64url(with_passkey.credential_id)]
    response = post_json(
        client, "authentication/complete/?next=/patients/", with_passkey.get(options)
    )

    assert response.status_code == 200
    assert response.json()["redirect_url"] == "/patients/"
    assert is_verified(client)
    assert WebAuthnCredential.objects.get(user=therapist).last_used_at is not None


def test_the_passkey_step_goes_nowhere_off_the_site(client, therapist, with_passkey):
    sign_in(client, therapist)

    response = use_passkey(client, with_passkey, "?next=https://elsewhere.example/")

    assert response.json()["redirect_url"] == "/"


def test_beginning_a_passkey_sign_in_needs_the_password_first(client, therapist, with_passkey):
    response = post_json(client, "authentication/begin/")

    # A post without a session gets the sign-in page (hipclinic/unsaved_work.py), no challenge.
    assert "Your session ended" in response.content.decode()
    assert "otp_webauthn_authentication_state" not in client.session


def test_beginning_a_passkey_sign_in_is_refused_when_nothing_is_owed(client, therapist):
    sign_in(client, therapist)  # no device: the password was all

    response = post_json(client, "authentication/begin/")

    assert response.status_code == 403 and response.json()["code"] == "nothing_to_verify"


def test_beginning_a_passkey_sign_in_is_refused_once_verified(client, therapist, with_passkey):
    sign_in(client, therapist)
    use_passkey(client, with_passkey)

    response = post_json(client, "authentication/begin/")

    assert response.status_code == 403 and response.json()["code"] == "nothing_to_verify"


def test_a_wrong_signature_is_refused_counted_and_audited(client, therapist, with_passkey):
    impostor = SoftPasskey(credential_id=with_passkey.credential_id)  # same id, other key
    sign_in(client, therapist)

    response = use_passkey(client, impostor)

    assert response.status_code == 422
    assert not is_verified(client)
    attempt = AccessAttempt.objects.get()
    assert attempt.username == f"{therapist.username} (second step)"
    assert attempt.failures_since_start == 1
    event = AuditEvent.objects.get(action=AuditAction.SECOND_STEP_FAILED)
    assert event.target_id == str(therapist.pk)


def test_a_refused_passkey_is_one_warning_line_without_a_traceback(
    client, therapist, with_passkey, caplog
):
    impostor = SoftPasskey(credential_id=with_passkey.credential_id)
    sign_in(client, therapist)

    with caplog.at_level("INFO", logger="django_otp_webauthn"):
        assert use_passkey(client, impostor).status_code == 422

    (line,) = [record for record in caplog.records if record.name == "django_otp_webauthn"]
    assert (line.levelname, line.exc_info, line.exc_text) == ("WARNING", None, None)
    assert line.getMessage().startswith("Passkey refused (InvalidAuthenticationResponse): ")
    assert "Traceback" not in caplog.text


def test_another_accounts_passkey_is_refused_and_counted(client, therapist, with_passkey):
    colleague = UserFactory(clinic=therapist.clinic)
    sign_in(client, colleague)
    enrol(client, colleague)
    client.logout()
    sign_in(client, colleague)

    response = use_passkey(client, with_passkey)

    assert response.status_code == 403
    assert response.json()["code"] == "credential_user_mismatch"
    assert not is_verified(client)
    assert AccessAttempt.objects.get().username == f"{colleague.username} (second step)"


def test_a_challenge_works_once(client, therapist, with_passkey):
    sign_in(client, therapist)
    options = post_json(client, "authentication/begin/").json()
    answer = with_passkey.get(options)
    assert post_json(client, "authentication/complete/", answer).status_code == 200
    client.logout()
    sign_in(client, therapist)

    response = post_json(client, "authentication/complete/", answer)  # replayed

    assert response.status_code == 400 and response.json()["code"] == "invalid_state"
    assert not is_verified(client)
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_failures_lock_the_second_step_for_passkeys_and_codes_alike(
    client, therapist, with_passkey, settings
):
    impostor = SoftPasskey(credential_id=with_passkey.credential_id)
    sign_in(client, therapist)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        use_passkey(client, impostor)

    response = use_passkey(client, with_passkey)  # the right passkey, while locked

    assert response.status_code == 403 and response.json()["code"] == "locked_out"
    assert "Too many failed attempts" in response.json()["detail"]
    assert not is_verified(client)
    codes = StaticToken.objects.filter(device__user=therapist).values_list("token", flat=True)
    assert "locked" in client.post("/login/second-step/", {"code": codes[0]}).content.decode()


def test_a_passkey_sign_in_forgets_earlier_failures(client, therapist, with_passkey):
    impostor = SoftPasskey(credential_id=with_passkey.credential_id)
    sign_in(client, therapist)
    use_passkey(client, impostor)

    assert use_passkey(client, with_passkey).status_code == 200

    assert AccessAttempt.objects.filter(failures_since_start__gt=0).count() == 0


def test_a_user_who_owes_the_second_step_cannot_add_a_passkey_instead(client, therapist):
    sign_in(client, therapist)
    enrol(client, therapist)
    client.logout()
    sign_in(client, therapist)  # password only: the app's code is still owed

    response = post_json(client, "registration/begin/")

    assert response.status_code == 403 and response.json()["code"] == "user_not_verified"
    assert not WebAuthnCredential.objects.exists()


def test_adding_a_passkey_needs_a_signed_in_user(client):
    response = post_json(client, "registration/begin/")

    assert "Your session ended" in response.content.decode()
    assert "otp_webauthn_register_state" not in client.session


def test_a_passkey_is_enrolment_for_a_clinic_that_requires_two_factor(client, therapist):
    therapist.clinic.require_two_factor = True
    therapist.clinic.save()
    sign_in(client, therapist)
    assert client.get("/patients/").url.startswith("/account/two-factor/")

    assert add_passkey(client, SoftPasskey()).status_code == 200

    assert is_verified(client)
    client.logout()
    sign_in(client, therapist)
    assert client.get("/patients/").url.startswith("/login/second-step/")


def test_the_relying_party_is_site_urls_host_with_localhost_for_a_loopback_address():
    assert webauthn_relying_party("http://127.0.0.1:8000") == (
        "localhost",
        ["http://localhost:8000"],
    )
    assert webauthn_relying_party("https://clinic.example.org") == (
        "clinic.example.org",
        ["https://clinic.example.org"],
    )


def test_plain_http_off_this_machine_allows_no_passkey_origin_and_still_starts():
    """Browsers offer no passkeys outside a secure context; the app still starts."""
    import subprocess
    import sys

    assert webauthn_relying_party("http://192.168.1.10:8000") == ("192.168.1.10", [])
    environment = {
        **os.environ,
        "SITE_URL": "http://192.168.1.10:8000",
        "ALLOWED_HOSTS": "192.168.1.10",
    }
    check = subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
    )
    assert check.returncode == 0, check.stderr


def test_signing_in_again_with_the_passkey_still_saves_the_kept_form(therapist, with_passkey):
    from django.test import Client
    from django.urls import reverse

    from patients.models import Patient
    from tests.factories import PASSWORD
    from tests.hipclinic.test_unsaved_work import (
        as_data,
        form_on,
        new_patient_fields,
        open_then_session_ends,
        send_kept_changes,
        sign_in_again,
    )

    browser = Client(enforce_csrf_checks=True)
    url = reverse("patients:patient_new")
    browser.force_login(therapist)
    session = browser.session
    session["otp_device_id"] = WebAuthnCredential.objects.get(user=therapist).persistent_id
    session.save()
    form = open_then_session_ends(browser, therapist, url)
    page = browser.post(url, new_patient_fields(form))
    asked = sign_in_again(browser, page, therapist.username, PASSWORD)
    body = asked.content.decode()
    assert "Use your passkey" in body and inline_code(body) == []
    config = json.loads(
        body.split('id="otp_webauthn_config" type="application/json">')[1].split("<")[0]
    )
    headers = {"HTTP_X_CSRFTOKEN": config["csrfToken"]}

    options = browser.post(config["beginAuthenticationUrl"], **headers).json()
    done = browser.post(
        config["completeAuthenticationUrl"],
        json.dumps(with_passkey.get(options)),
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200 and done.json()["redirect_url"] == ""  # the page stays
    data = as_data(form_on(asked, reverse("sign_in_again_code"))["fields"])  # no code
    signed_in = browser.post(reverse("sign_in_again_code"), data)

    assert "Signed in again" in signed_in.content.decode()
    send_kept_changes(browser, signed_in)
    assert Patient.objects.get().first_name == "Robin"


def test_the_security_page_lists_the_passkey_as_a_passkey(client, therapist, with_passkey):
    sign_in(client, therapist)
    use_passkey(client, with_passkey)

    page = client.get(reverse("account_security")).content.decode()

    assert "Passkey" in page and "WebAuthn" not in page


def test_a_passkey_only_user_is_not_asked_for_an_app_code(client, therapist, with_passkey):
    sign_in(client, therapist)

    page = client.get(reverse("second_step")).content.decode()

    assert "authenticator app" not in page and "recovery codes" in page
