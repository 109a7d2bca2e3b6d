"""The user's own security page (issue 22 §4): their two-factor devices and recovery codes,
their password, and the places they are signed in, each of which they can sign out."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hipclinic import staff_sessions
from hipclinic.models import AuditAction, AuditEvent, StaffSession
from tests.factories import PASSWORD, UserFactory
from tests.hipclinic.test_shared_cache import redis_cache  # noqa: F401 (a fixture)
from tests.hipclinic.test_two_factor import code_for, enrol, sign_in

pytestmark = pytest.mark.django_db

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
FIREFOX_ON_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0"
)
PAGE = "/account/security/"


def browser(user_agent: str = FIREFOX_ON_MAC) -> Client:
    return Client(HTTP_USER_AGENT=user_agent)


def signed_in(user, user_agent: str = FIREFOX_ON_MAC) -> Client:
    """A browser in which ``user`` signed in on the sign-in page."""
    client = browser(user_agent)
    assert sign_in(client, user).status_code == 302
    return client


def row_of(client: Client) -> StaffSession:
    return StaffSession.objects.get(key_hash=staff_sessions.key_hash(client.session.session_key))


def is_signed_in(client: Client) -> bool:
    response = client.get("/patients/")
    return response.status_code == 200


@pytest.fixture(params=["db", "redis"])
def session_engine(request, settings):
    """Database sessions, and sessions in Redis as REDIS_URL gives them."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    else:
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    return request.param


@pytest.fixture
def enrolled(therapist):
    """The therapist's browser, signed in and enrolled with an authenticator app; the
    device and the recovery codes shown."""
    client = signed_in(therapist)
    device, codes = enrol(client, therapist)
    return client, device, codes


# The page and the navigation


def test_the_navigation_links_to_the_security_page(therapist):
    client = signed_in(therapist)

    assert f'href="{PAGE}"' in client.get("/patients/").content.decode()


def test_a_user_without_a_device_is_offered_an_app_or_a_passkey(therapist):
    client = signed_in(therapist)

    body = client.get(PAGE).content.decode()

    assert "Your account signs in with a password alone" in body
    assert "Set up an app or a passkey" in body
    assert "Make new recovery codes" not in body


def test_devices_are_listed_with_their_kind_and_the_recovery_codes_left(enrolled):
    client, device, _ = enrolled
    TOTPDevice.objects.create(user=device.user, name="Clinic tablet", confirmed=True)
    TOTPDevice.objects.create(user=device.user, name="Half enrolled", confirmed=False)

    body = client.get(PAGE).content.decode()

    assert "Clinic tablet" in body and "Authenticator app" in body
    assert "Half enrolled" not in body
    assert body.count("Remove<span") == 2
    assert "You have 10 recovery codes left" in body
    assert "Add an app or a passkey" in body


# Removing a device


def test_removing_a_device_asks_for_the_password_and_is_audited(enrolled, therapist):
    client, device, _ = enrolled
    url = f"/account/security/remove-device/?device={device.persistent_id}"
    assert "type your password" in client.get(url).content.decode()

    response = client.post(url, {"device": device.persistent_id, "password": PASSWORD})

    assert response.status_code == 302 and response.url == PAGE
    assert not TOTPDevice.objects.filter(user=therapist).exists()
    assert not StaticDevice.objects.filter(user=therapist).exists()  # codes go with the last
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR_REMOVED, actor=therapist, target_id=str(therapist.pk)
    ).exists()
    assert "Set up an app or a passkey" in client.get(PAGE).content.decode()


def test_a_wrong_password_removes_nothing_and_counts_as_a_failed_login(enrolled, therapist):
    client, device, _ = enrolled

    response = client.post(
        "/account/security/remove-device/",
        {"device": device.persistent_id, "password": "not my password"},
    )

    assert "That is not your password" in response.content.decode()
    assert TOTPDevice.objects.filter(user=therapist, confirmed=True).exists()
    assert AccessAttempt.objects.get().failures_since_start == 1
    assert not AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_REMOVED).exists()


def test_another_users_device_cannot_be_removed(enrolled):
    client, _, _ = enrolled
    colleague = UserFactory(clinic=enrolled[1].user.clinic)
    theirs = TOTPDevice.objects.create(user=colleague, name="Theirs", confirmed=True)

    response = client.post(
        "/account/security/remove-device/",
        {"device": theirs.persistent_id, "password": PASSWORD},
    )

    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("device_id", ["hipclinic.user/1", "nonsense", ""])
def test_an_id_that_names_no_device_of_the_user_is_a_404(enrolled, device_id):
    client, _, _ = enrolled

    response = client.get("/account/security/remove-device/", {"device": device_id})

    assert response.status_code == 404


def test_a_clinic_requiring_two_factor_keeps_the_last_device(enrolled, therapist):
    client, device, _ = enrolled
    therapist.clinic.require_two_factor = True
    therapist.clinic.save()
    url = "/account/security/remove-device/"

    page = client.get(url, {"device": device.persistent_id})
    response = client.post(url, {"device": device.persistent_id, "password": PASSWORD})

    assert "this is your only device" in page.content.decode()
    assert 'name="password"' not in page.content.decode()
    assert "this is your only device" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_REMOVED).exists()
    assert is_signed_in(client)

    # With a second app added, the first can go.
    TOTPDevice.objects.create(user=therapist, name="New phone", confirmed=True)
    client.post(url, {"device": device.persistent_id, "password": PASSWORD})
    assert list(TOTPDevice.objects.filter(user=therapist).values_list("name", flat=True)) == [
        "New phone"
    ]


# Recovery codes


def test_new_recovery_codes_replace_the_old_ones(enrolled, therapist):
    client, device, old_codes = enrolled

    response = client.post("/account/security/recovery-codes/", {"password": PASSWORD})

    new_codes = list(response.context["codes"])
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    body = response.content.decode()
    assert all(code in body for code in new_codes)
    assert (
        AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODES_MADE, actor=therapist).count()
        == 2
    )  # enrolment, then these

    elsewhere = signed_in(therapist)
    refused = elsewhere.post("/login/second-step/", {"code": old_codes[0]})
    assert "That code is not right" in refused.content.decode()
    assert elsewhere.post("/login/second-step/", {"code": new_codes[0]}).status_code == 302
    assert is_signed_in(elsewhere)


def test_recovery_codes_need_the_password(enrolled, therapist):
    client, _, old_codes = enrolled

    response = client.post("/account/security/recovery-codes/", {"password": "guess"})

    assert "That is not your password" in response.content.decode()
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old_codes)


# Password


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(
    session_engine, therapist
):
    here, there = signed_in(therapist), signed_in(therapist, CHROME_ON_WINDOWS)

    response = here.post(
        "/account/security/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new long password",
            "new_password2": "a brand new long password",
        },
    )

    assert response.status_code == 302 and response.url == PAGE
    assert is_signed_in(here)
    assert not is_signed_in(there)
    assert there.get("/patients/").url.startswith("/login/")
    assert [row.key_hash for row in StaffSession.objects.all()] == [row_of(here).key_hash]
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, actor=therapist).exists()
    therapist.refresh_from_db()
    assert therapist.check_password("a brand new long password")


def test_a_wrong_old_password_changes_nothing_and_counts(therapist):
    client = signed_in(therapist)

    response = client.post(
        "/account/security/password/",
        {
            "old_password": "a guess",
            "new_password1": "a brand new long password",
            "new_password2": "a brand new long password",
        },
    )

    assert response.status_code == 200
    therapist.refresh_from_db()
    assert therapist.check_password(PASSWORD)
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_django_password_validators_apply(therapist):
    client = signed_in(therapist)

    response = client.post(
        "/account/security/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()


# Sessions


def test_the_list_shows_each_session_and_marks_this_device(session_engine, therapist):
    here = signed_in(therapist, FIREFOX_ON_MAC)
    signed_in(therapist, CHROME_ON_WINDOWS)
    idle = signed_in(therapist, SAFARI_ON_IPHONE)
    StaffSession.objects.filter(pk=row_of(idle).pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(minutes=20)
    )

    body = here.get(PAGE).content.decode()

    assert "Firefox on Mac" in body and "Chrome on Windows" in body
    assert body.count("This device") == 1
    assert body.index("Firefox on Mac") < body.index("This device") < body.index("Chrome")
    assert body.index("Chrome on Windows") < body.index("Safari on iPhone")  # latest first
    assert "active in the last few minutes" in body
    assert "last seen 20\xa0minutes ago" in body
    assert "from 127.0.0.1" in body
    assert "Sign out everywhere else" in body


def test_neither_the_session_key_nor_the_user_agent_is_kept(therapist):
    client = signed_in(therapist, CHROME_ON_WINDOWS)
    key = client.session.session_key

    row = StaffSession.objects.get()

    assert (row.browser, row.system) == ("Chrome", "Windows")
    assert key not in str(vars(row)) and "Mozilla" not in str(vars(row))
    assert staff_sessions.unseal(row.sealed_key) == key


def test_ending_another_session_signs_that_browser_out(session_engine, therapist):
    here, there = signed_in(therapist), signed_in(therapist, CHROME_ON_WINDOWS)
    theirs = row_of(there)
    assert Session.objects.exists() == (session_engine == "db")

    response = here.post(f"/account/security/sessions/{theirs.pk}/sign-out/")

    assert response.status_code == 302 and response.url == PAGE
    assert there.get("/patients/").url.startswith("/login/")
    assert is_signed_in(here)
    assert not StaffSession.objects.filter(pk=theirs.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.SESSION_ENDED)
    assert (event.actor, event.target_id) == (therapist, str(theirs.pk))
    assert "Chrome on Windows" not in here.get(PAGE).content.decode()


def test_signing_out_everywhere_else(session_engine, therapist):
    here = signed_in(therapist)
    others = [signed_in(therapist, CHROME_ON_WINDOWS), signed_in(therapist, SAFARI_ON_IPHONE)]

    response = here.post("/account/security/sessions/sign-out-others/")

    assert "Signed out of 2 other places." in here.get(response.url).content.decode()
    assert [is_signed_in(other) for other in others] == [False, False]
    assert is_signed_in(here)
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_ENDED).count() == 2


def test_another_users_session_cannot_be_ended_nor_this_one(therapist):
    here = signed_in(therapist)
    colleague = UserFactory(clinic=therapist.clinic)
    theirs = signed_in(colleague, CHROME_ON_WINDOWS)

    assert here.post(f"/account/security/sessions/{row_of(theirs).pk}/sign-out/").status_code == 404
    assert here.post(f"/account/security/sessions/{row_of(here).pk}/sign-out/").status_code == 404
    here.post("/account/security/sessions/sign-out-others/")

    assert is_signed_in(theirs) and is_signed_in(here)
    assert "Chrome on Windows" not in here.get(PAGE).content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.SESSION_ENDED).exists()


def test_a_session_that_logged_out_or_expired_leaves_the_list(therapist):
    here = signed_in(therapist)
    gone = signed_in(therapist, CHROME_ON_WINDOWS)
    idle = signed_in(therapist, SAFARI_ON_IPHONE)

    gone.post("/logout/")
    Session.objects.filter(session_key=idle.session.session_key).update(
        expire_date=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    body = here.get(PAGE).content.decode()

    assert "Chrome" not in body and "Safari" not in body
    assert StaffSession.objects.get() == row_of(here)
    assert "You are signed in here only" in body


def test_a_password_reset_elsewhere_empties_the_list(therapist):
    here, there = signed_in(therapist), signed_in(therapist, CHROME_ON_WINDOWS)
    therapist.set_password("set by a reset link")
    therapist.save()

    assert not is_signed_in(here)
    assert sign_in(here, therapist).status_code == 200  # the old password is gone
    here.post("/login/", {"username": therapist.username, "password": "set by a reset link"})

    assert "Chrome" not in here.get(PAGE).content.decode()
    assert list(StaffSession.objects.all()) == [row_of(here)]
    assert there.get("/patients/").status_code == 302


def test_last_seen_moves_every_few_minutes_not_at_every_request(therapist):
    client = signed_in(therapist)
    first_seen = row_of(client).last_seen_at

    client.get("/patients/")
    client.get("/patients/")
    assert row_of(client).last_seen_at == first_seen

    session = client.session
    session[staff_sessions.SEEN] -= staff_sessions.LAST_SEEN_EVERY.total_seconds()
    session.save()
    client.get("/patients/")
    assert row_of(client).last_seen_at > first_seen


def test_a_session_from_before_the_list_gets_a_row_at_its_next_visit(therapist):
    client = signed_in(therapist)
    StaffSession.objects.all().delete()
    session = client.session
    del session[staff_sessions.SEEN]
    session.save()

    client.get("/patients/")

    assert row_of(client).user == therapist


def test_a_second_step_session_is_listed_and_can_be_ended(enrolled, therapist):
    here, device, _ = enrolled
    there = signed_in(therapist, CHROME_ON_WINDOWS)
    there.post("/login/second-step/", {"code": code_for(device, later=1)})
    assert is_signed_in(there)

    here.post(f"/account/security/sessions/{row_of(there).pk}/sign-out/")

    assert there.get("/patients/").url.startswith("/login/")


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (CHROME_ON_WINDOWS, ("Chrome", "Windows")),
        (SAFARI_ON_IPHONE, ("Safari", "iPhone")),
        (FIREFOX_ON_MAC, ("Firefox", "Mac")),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            ("Edge", "Windows"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            ("Chrome", "Android"),
        ),
        ("curl/8.5.0", ("", "")),
        ("", ("", "")),
    ],
)
def test_browser_labels(user_agent, label):
    assert staff_sessions.browser_and_system(user_agent) == label


def test_the_page_speaks_spanish_to_a_user_who_chose_it(enrolled, therapist):
    client, _, _ = enrolled
    signed_in(therapist, CHROME_ON_WINDOWS)
    english = client.get(PAGE).content.decode()
    therapist.language = "es"
    therapist.save()

    spanish = client.get(PAGE).content.decode()

    for words in ["Two-factor sign-in", "Where you are signed in", "This device", "Sign out"]:
        assert words in english
    for words in [
        "Inicio de sesión en dos pasos",
        "Le quedan 10 códigos de recuperación",
        "Dónde tiene la sesión abierta",
        "Este dispositivo",
        "Chrome en Windows",
        "Cerrar sesión en todos los demás lugares",
    ]:
        assert words in spanish


def test_rows_of_sessions_idle_past_the_session_age_go_at_the_next_sign_in(therapist, settings):
    signed_in(therapist, CHROME_ON_WINDOWS)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    StaffSession.objects.update(last_seen_at=long_ago - staff_sessions.LAST_SEEN_EVERY)
    colleague = UserFactory(clinic=therapist.clinic)

    here = signed_in(colleague)

    assert list(StaffSession.objects.all()) == [row_of(here)]


def test_the_admins_change_password_is_the_security_pages(therapist):
    client = signed_in(therapist)

    assert client.get("/admin/password_change/").url == "/account/security/password/"
    assert client.get("/admin/password_change/done/").url == PAGE


def test_a_key_sealed_before_the_secret_key_changed_opens_while_the_old_one_is_a_fallback(
    settings,
):
    sealed = staff_sessions.seal("k" * 32)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a new secret key " * 4

    assert staff_sessions.unseal(sealed) == "k" * 32
    settings.SECRET_KEY_FALLBACKS = []
    assert staff_sessions.unseal(sealed) is None
