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
