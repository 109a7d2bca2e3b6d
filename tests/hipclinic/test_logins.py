"""Logins: audited on success and failure, throttled, and locked after repeated failures."""

import pytest
from django.urls import reverse

from hipclinic.models import AuditAction, AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not the password"


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def events(action):
    return list(AuditEvent.objects.filter(action=action))


def test_a_login_is_audited_with_the_user_their_clinic_and_address(client, therapist):
    response = attempt(client, therapist.username, PASSWORD)

    assert response.status_code == 302
    (event,) = events(AuditAction.LOGGED_IN)
    assert (event.actor, event.clinic, event.target_id) == (
        therapist,
        therapist.clinic,
        str(therapist.pk),
    )
    assert event.ip_address == "127.0.0.1"


def test_a_failed_login_is_audited_against_the_account_without_the_password(client, therapist):
    response = attempt(client, therapist.username, WRONG)

    assert response.status_code == 200
    assert "That username and password do not match an account." in response.content.decode()
    (event,) = events(AuditAction.LOGIN_FAILED)
    assert (event.actor, event.target_id, event.clinic) == (
        None,
        str(therapist.pk),
        therapist.clinic,
    )
    assert WRONG not in str(event.__dict__)


def test_a_failed_login_for_an_unknown_name_keeps_no_trace_of_the_name(client):
    attempt(client, "someone-typed-this", WRONG)

    (event,) = events(AuditAction.LOGIN_FAILED)
    assert (event.target_type, event.target_id) == ("", "")
    assert "someone-typed-this" not in str(event.__dict__)


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(client, therapist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, therapist.username, WRONG)

    locked = attempt(client, therapist.username, PASSWORD)  # even the right password

    assert locked.status_code == 429
    html = locked.content.decode()
    assert "This account is locked for now" in html
    assert "for the next 15 minutes" in html
    assert "_auth_user_id" not in client.session
    # One failed-login event per attempt: the five wrong ones and the refused sixth.
    assert len(events(AuditAction.LOGIN_FAILED)) == settings.AXES_FAILURE_LIMIT + 1
    (lock,) = events(AuditAction.LOCKED_OUT)  # once, when the lock began
    assert (lock.target_id, lock.actor) == (str(therapist.pk), None)
    assert not events(AuditAction.LOGGED_IN)


def test_a_good_login_before_the_limit_starts_the_count_again(client, therapist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, therapist.username, WRONG)
    attempt(client, therapist.username, PASSWORD)
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, therapist.username, WRONG)

    assert attempt(client, therapist.username, PASSWORD).status_code == 302


def test_a_username_past_the_accounts_limit_is_a_form_error(client):
    response = client.post(reverse("login"), {"username": "a" * 5000, "password": "x"})

    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()


# --- One account at one address --------------------------------------------------------
# Behind the clinic's TLS proxy every member of staff shares an address: a lock holds
# one account at one address, never the address for everyone.

CLINIC = "203.0.113.10"
ELSEWHERE = "198.51.100.20"


def attempt_from(client, username, password, address, forwarded=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def lock_events():
    return [(event.target_id, event.ip_address) for event in events(AuditAction.LOCKED_OUT)]


def test_wrong_passwords_for_one_account_do_not_lock_a_colleague_at_the_same_address(
    client, therapist, manager, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt_from(client, therapist.username, WRONG, CLINIC)

    colleague = attempt_from(client, manager.username, PASSWORD, CLINIC)

    assert colleague.status_code == 302
    assert client.session["_auth_user_id"] == str(manager.pk)
    assert lock_events() == [(str(therapist.pk), CLINIC)]


def test_wrong_passwords_for_many_names_at_one_address_lock_nobody_else(
    client, therapist, manager, settings
):
    # The probe's attack: five wrong guesses for five different names from one address.
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt_from(client, f"guess-{n}", WRONG, CLINIC)
    attempt_from(client, therapist.username, WRONG, CLINIC)

    colleague = attempt_from(client, manager.username, PASSWORD, CLINIC)

    assert colleague.status_code == 302
    assert str(manager.pk) not in [target for target, _ in lock_events()]
    assert not events(AuditAction.LOCKED_OUT)


def test_the_failing_account_stays_locked_at_that_address_only(client, therapist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt_from(client, therapist.username, WRONG, CLINIC)

    here = attempt_from(client, therapist.username, PASSWORD, CLINIC)
    client.logout()
    elsewhere = attempt_from(client, therapist.username, PASSWORD, ELSEWHERE)

    assert here.status_code == 429
    assert "This account is locked for now" in here.content.decode()
    assert elsewhere.status_code == 302
    assert lock_events() == [(str(therapist.pk), CLINIC)]


def test_a_forged_forwarded_for_is_ignored_without_trusted_proxies(client, therapist, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0  # the default
    for n in range(settings.AXES_FAILURE_LIMIT):  # a new made-up address every time
        attempt_from(client, therapist.username, WRONG, CLINIC, forwarded=f"192.0.2.{n}")

    locked = attempt_from(client, therapist.username, PASSWORD, CLINIC, forwarded="192.0.2.99")

    assert locked.status_code == 429
    assert {event.ip_address for event in events(AuditAction.LOGIN_FAILED)} == {CLINIC}
    assert lock_events() == [(str(therapist.pk), CLINIC)]


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_clients(client, therapist, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    # The proxy appends the address it saw; whatever the client wrote stays on the left.
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt_from(client, therapist.username, WRONG, proxy, forwarded=f"192.0.2.{n}, {CLINIC}")

    locked = attempt_from(
        client, therapist.username, PASSWORD, proxy, forwarded=f"192.0.2.99, {CLINIC}"
    )
    other_client = attempt_from(client, therapist.username, PASSWORD, proxy, forwarded=ELSEWHERE)

    assert locked.status_code == 429
    assert other_client.status_code == 302
    assert {event.ip_address for event in events(AuditAction.LOGIN_FAILED)} == {CLINIC}
    assert lock_events() == [(str(therapist.pk), CLINIC)]
    assert events(AuditAction.LOGGED_IN)[0].ip_address == ELSEWHERE
