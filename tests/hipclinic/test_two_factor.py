"""Two-factor sign-in (issue 22 §3): enrolment with an authenticator app, the second step
with a code the test computes from the device's key, recovery codes, lock-out, the
clinic's "require two-factor" setting and the admin behind the same sign-in."""

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hipclinic.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, later: int = 0) -> str:
    """What the authenticator app shows now (or ``later`` steps on), from the device's key."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + later * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user):
    return client.post("/login/", {"username": user.username, "password": PASSWORD})


def enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    """Enrol ``user`` (signed in on ``client``) as a user would; the device and the codes."""
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/account/two-factor/", {"code": code_for(device)})
    assert response.status_code == 200
    codes = list(response.context["codes"])
    return device, codes


@pytest.fixture
def enrolled(client, therapist):
    sign_in(client, therapist)
    device, codes = enrol(client, therapist)
    client.logout()
    return device, codes


def test_enrolment_confirms_the_device_and_shows_ten_recovery_codes_once(client, therapist):
    sign_in(client, therapist)

    page = client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=therapist)
    assert not device.confirmed
    assert "data:image/svg+xml" in page.content.decode()
    response = client.post("/account/two-factor/", {"code": code_for(device)})

    device.refresh_from_db()
    assert device.confirmed
    codes = response.context["codes"]
    assert len(codes) == 10
    body = response.content.decode()
    assert all(code in body for code in codes)
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR_ENROLLED, target_id=str(therapist.pk)
    ).exists()


def test_a_second_app_keeps_the_recovery_codes_already_kept(client, therapist):
    sign_in(client, therapist)
    _, codes = enrol(client, therapist)
    client.get("/account/two-factor/")
    second = TOTPDevice.objects.get(user=therapist, confirmed=False)

    response = client.post("/account/two-factor/", {"code": code_for(second)})

    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=therapist, confirmed=True).count() == 2
    kept = StaticToken.objects.filter(device__user=therapist).values_list("token", flat=True)
    assert set(kept) == set(codes)


def test_a_wrong_code_does_not_enrol(client, therapist):
    sign_in(client, therapist)
    client.get("/account/two-factor/")

    response = client.post("/account/two-factor/", {"code": "000000"})

    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=therapist).confirmed


def test_an_enrolled_user_needs_the_code_after_the_password(client, therapist, enrolled):
    device, _ = enrolled

    response = sign_in(client, therapist)
    assert client.get("/").url.startswith("/login/second-step/")
    assert client.get("/patients/").status_code == 302

    response = client.post(
        "/login/second-step/", {"code": code_for(device, later=1), "next": "/patients/"}
    )

    assert response.status_code == 302 and response.url == "/patients/"
    assert client.get("/patients/").status_code == 200


def test_a_wrong_code_is_refused_counted_and_audited_without_the_code(client, therapist, enrolled):
    sign_in(client, therapist)

    response = client.post("/login/second-step/", {"code": "123456"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/patients/").status_code == 302
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 1
    assert "123456" not in attempt.post_data
    event = AuditEvent.objects.get(action=AuditAction.SECOND_STEP_FAILED)
    assert event.target_id == str(therapist.pk)
    assert "123456" not in str(vars(event))


def test_wrong_codes_lock_the_second_step_and_a_new_password_does_not_unlock_it(
    client, therapist, enrolled, settings
):
    device, _ = enrolled
    sign_in(client, therapist)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login/second-step/", {"code": "123456"})
    assert "locked" in response.content.decode()

    client.logout()
    sign_in(client, therapist)  # the password is right: it must not reset the code count
    response = client.post("/login/second-step/", {"code": code_for(device, later=1)})

    assert "locked" in response.content.decode()
    assert client.get("/patients/").status_code == 302


def test_a_recovery_code_works_once(client, therapist, enrolled):
    _, codes = enrolled
    sign_in(client, therapist)

    assert client.post("/login/second-step/", {"code": codes[0]}).status_code == 302
    assert client.get("/patients/").status_code == 200
    assert StaticToken.objects.filter(device__user=therapist).count() == 9

    client.logout()
    sign_in(client, therapist)
    response = client.post("/login/second-step/", {"code": codes[0]})
    assert response.status_code == 200
    assert client.get("/patients/").status_code == 302


def test_a_clinic_requiring_two_factor_sends_an_unenrolled_user_to_enrolment(client, therapist):
    therapist.clinic.require_two_factor = True
    therapist.clinic.save()
    sign_in(client, therapist)

    response = client.get("/patients/")
    assert response.url == "/account/two-factor/?next=%2Fpatients%2F"
    assert client.post("/patients/new/", {"first_name": "X"}).url == "/account/two-factor/"
    assert client.get("/admin/").url.startswith("/account/two-factor/")

    enrol(client, therapist)
    assert client.get("/patients/").status_code == 200


def test_without_the_clinic_setting_a_password_alone_still_signs_in(client, therapist):
    sign_in(client, therapist)

    assert client.get("/patients/").status_code == 200


@override_settings(TWO_FACTOR_FOR_PLATFORM_ADMINS=True)
def test_a_platform_admin_must_enrol_when_debug_is_off(client):
    admin = SuperuserFactory()
    sign_in(client, admin)

    assert client.get("/admin/").url.startswith("/account/two-factor/")


def test_admin_login_sends_to_the_sign_in_that_asks_for_the_second_factor(client, enrolled):
    device, _ = enrolled
    staff = UserFactory(clinic=device.user.clinic)

    assert client.get("/admin/login/?next=/admin/").url == "/login/?next=/admin/"
    response = client.post(
        "/admin/login/", {"username": device.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session  # the admin's login signs nobody in

    sign_in(client, device.user)
    assert client.get("/admin/").url.startswith("/login/second-step/")
    assert client.get("/admin/hipclinic/user/").url.startswith("/login/second-step/")
    client.logout()
    sign_in(client, staff)  # not enrolled, clinic does not require it
    assert client.get("/admin/").status_code == 200


def test_signing_in_again_asks_for_the_code_and_still_saves_the_kept_form(therapist, enrolled):
    from django.test import Client
    from django.urls import reverse

    from patients.models import Patient
    from tests.hipclinic.test_unsaved_work import (
        as_data,
        form_on,
        new_patient_fields,
        open_then_session_ends,
        send_kept_changes,
        sign_in_again,
    )

    device, _ = enrolled
    browser = Client(enforce_csrf_checks=True)
    url = reverse("patients:patient_new")
    browser.force_login(therapist)
    session = browser.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    form = open_then_session_ends(browser, therapist, url)
    page = browser.post(url, new_patient_fields(form))

    asked = sign_in_again(browser, page, therapist.username, PASSWORD)
    assert "One more step" in asked.content.decode()
    code_form = form_on(asked, reverse("sign_in_again_code"))
    data = as_data(code_form["fields"])
    data["code"] = [code_for(device, later=1)]
    signed_in = browser.post(reverse("sign_in_again_code"), data)

    assert "Signed in again" in signed_in.content.decode()
    send_kept_changes(browser, signed_in)
    assert Patient.objects.get().first_name == "Robin"


@override_settings(TWO_FACTOR_FOR_PLATFORM_ADMINS=False)
def test_a_platform_admin_removes_a_lost_app_in_the_admin_audited_and_never_sees_its_key(
    client, enrolled
):
    device, _ = enrolled
    admin = SuperuserFactory()
    sign_in(client, admin)
    change = f"/admin/otp_totp/totpdevice/{device.pk}/change/"

    page = client.get(change).content.decode()
    assert device.key not in page and "qrcode" not in page.lower()
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_REMOVED)
    assert (event.actor, event.target_id) == (admin, str(device.user.pk))
