"""Reminder emails from the patient's side: signing up on the phone page, confirming
from the email, and stopping them from the page or from the email's link alone."""

import pytest
from django.core import mail
from django.test import Client

from hipclinic.models import AuditAction, AuditEvent
from patients.links import link_path, link_url
from patients.models import ReminderSubscription
from patients.reminder_sending import NUDGE, REMINDER, send_due_reminders
from patients.reminders import confirm_url, unsubscribe_url
from tests.patients.reminders.world import (
    FRIDAY,
    MONDAY,
    PRIVATE_WORDS,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    at,
    day,
    everything_in,
)
from tests.reading import above_grade_6, sentences_of

pytestmark = pytest.mark.django_db


def sign_up(client, link, email="zq@example.com", days=(MONDAY, WEDNESDAY, FRIDAY), hour=18):
    return client.post(
        link_path(link) + "reminders/", {"email": email, "days": list(days), "hour": hour}
    )


# --- Signing up ----------------------------------------------------------------------------


def test_signing_up_sends_one_confirmation_email_and_nothing_else(client, link):
    response = sign_up(client, link)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zq@example.com"]
    assert "confirm" in mail.outbox[0].subject.lower()
    send_due_reminders(at(day(MONDAY), 18))
    assert len(mail.outbox) == 1


def test_the_confirmation_email_holds_the_confirm_link_but_not_the_page_link(client, link):
    sign_up(client, link)

    message = mail.outbox[0]
    subscription = ReminderSubscription.objects.get()
    assert confirm_url(subscription) in message.body
    assert link_url(link) not in message.body
    for word in PRIVATE_WORDS:
        assert word.lower() not in everything_in(message).lower()


def test_a_signup_is_saved_unconfirmed_with_its_days_and_hour(client, link, patient):
    sign_up(client, link, days=(TUESDAY, THURSDAY), hour=7)

    subscription = ReminderSubscription.objects.get(patient=patient)
    assert (subscription.email, subscription.weekdays, subscription.hour) == (
        "zq@example.com",
        [TUESDAY, THURSDAY],
        7,
    )
    assert subscription.confirmed_at is None


def test_a_signup_without_a_day_shows_why_and_saves_nothing(client, link):
    response = client.post(link_path(link) + "reminders/", {"email": "zq@example.com", "hour": 18})

    assert response.status_code == 200
    assert "Choose at least one day." in response.content.decode()
    assert not ReminderSubscription.objects.exists()
    assert mail.outbox == []


def test_opening_the_confirm_link_asks_and_starts_nothing(client, link):
    """Mail scanners open links before the patient does: opening only asks."""
    sign_up(client, link)
    subscription = ReminderSubscription.objects.get()

    response = Client().get(confirm_url(subscription))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Turn on your reminders?" in html
    assert "Monday, Wednesday and Friday at 6 pm" in html
    assert 'method="post"' in html
    assert ReminderSubscription.objects.get().confirmed_at is None
    assert send_due_reminders(at(day(MONDAY), 18)) == {REMINDER: 0, NUDGE: 0}


def test_confirming_from_the_link_alone_starts_the_reminders(client, link, clinic):
    clinic.nudge_after_days = 0
    clinic.save()
    sign_up(client, link)
    subscription = ReminderSubscription.objects.get()
    patients_browser = Client(enforce_csrf_checks=True)
    page = patients_browser.get(confirm_url(subscription))

    response = patients_browser.post(
        confirm_url(subscription), {"csrfmiddlewaretoken": page.context["csrf_token"]}
    )

    assert response.status_code == 200
    assert "Your reminders are on" in response.content.decode()
    assert "Your reminders are on" in Client().get(confirm_url(subscription)).content.decode()
    assert "Monday, Wednesday and Friday at 6 pm" in response.content.decode()
    assert send_due_reminders(at(day(MONDAY), 18)) == {REMINDER: 1, NUDGE: 0}
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGED, target_id=str(subscription.pk)
    ).exists()


def test_a_tampered_confirm_link_gets_the_same_404_as_a_bad_patient_link(client, link):
    sign_up(client, link)
    url = confirm_url(ReminderSubscription.objects.get())

    tampered = Client().get(url[:-3] + "abc/")
    bad_link = Client().get("/p/" + "x" * 43 + "/")

    assert tampered.status_code == 404
    assert tampered.content == bad_link.content
    assert ReminderSubscription.objects.get().confirmed_at is None


def test_a_new_address_waits_for_its_own_confirmation(client, subscription, link):
    sign_up(client, link, email="new@example.com")

    subscription.refresh_from_db()
    assert subscription.email == "new@example.com"
    assert subscription.confirmed_at is None
    assert [message.to for message in mail.outbox] == [["new@example.com"]]


def test_an_old_confirm_link_does_not_confirm_a_new_address(client, link):
    sign_up(client, link, email="old@example.com")
    old_confirm = confirm_url(ReminderSubscription.objects.get())
    sign_up(client, link, email="new@example.com")

    assert Client().get(old_confirm).status_code == 404
    assert Client().post(old_confirm).status_code == 404
    assert ReminderSubscription.objects.get().confirmed_at is None


def test_new_days_for_a_confirmed_address_need_no_new_confirmation(client, subscription, link):
    sign_up(client, link, days=(TUESDAY,), hour=7)

    subscription.refresh_from_db()
    assert subscription.is_active
    assert (subscription.weekdays, subscription.hour) == ([TUESDAY], 7)
    assert mail.outbox == []


def test_a_page_sends_at_most_three_confirmation_emails_an_hour(client, link):
    for number in range(5):
        sign_up(client, link, email=f"try{number}@example.com")

    assert len(mail.outbox) == 3


# --- The phone page ------------------------------------------------------------------------


def test_the_page_shows_the_address_partly_hidden_and_the_days(client, subscription, link):
    html = client.get(link_path(link)).content.decode()

    assert "Reminders go to <strong>z•••@example.com</strong>" in html
    assert "Monday, Wednesday and Friday at 6 pm" in html
    assert "zq@example.com" not in html


def test_the_email_form_is_preset_to_the_programmes_days(client, link):
    html = client.get(link_path(link)).content.decode()

    ticked = [d for d in range(7) if f'value="{d}" id="email_days_{d}" checked' in html]
    assert ticked == [MONDAY, WEDNESDAY, FRIDAY]


def test_the_pages_stop_button_stops_the_emails(client, subscription, link):
    response = client.post(link_path(link) + "reminders/stop/")

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert send_due_reminders(at(day(MONDAY), 18)) == {REMINDER: 0, NUDGE: 0}


# --- Stopping ------------------------------------------------------------------------------


def test_opening_the_unsubscribe_link_asks_and_stops_nothing(subscription):
    response = Client().get(unsubscribe_url(subscription))

    assert response.status_code == 200
    assert "Stop reminder emails?" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active


def test_the_unsubscribe_links_button_alone_stops_the_emails(subscription):
    response = Client().post(unsubscribe_url(subscription))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Reminder emails are off" in html
    assert "Email me a reminder" in html  # how to turn them on again
    send_due_reminders(at(day(MONDAY), 18))
    assert mail.outbox == []


def test_unsubscribing_twice_says_the_same(subscription):
    first = Client().post(unsubscribe_url(subscription))
    second = Client().post(unsubscribe_url(subscription))

    assert first.status_code == second.status_code == 200
    assert first.content == second.content


def test_a_mail_apps_one_click_post_unsubscribes_without_a_csrf_token(subscription):
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_url(subscription), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def test_a_tampered_unsubscribe_link_gets_the_same_404_as_a_bad_patient_link(subscription):
    url = unsubscribe_url(subscription)

    tampered = Client().get(url[:-3] + "abc/")
    bad_link = Client().get("/p/" + "x" * 43 + "/")

    assert tampered.status_code == 404
    assert tampered.content == bad_link.content
    assert Client().post(url[:-3] + "abc/").status_code == 404
    subscription.refresh_from_db()
    assert subscription.is_active


def test_a_confirm_link_after_unsubscribing_does_not_start_them_again(client, link):
    sign_up(client, link)
    subscription = ReminderSubscription.objects.get()
    Client().post(unsubscribe_url(subscription))

    assert Client().get(confirm_url(subscription)).status_code == 404
    assert Client().post(confirm_url(subscription)).status_code == 404
    assert not ReminderSubscription.objects.get().is_active


def test_the_confirm_and_stop_pages_read_at_grade_6_or_below(client, link):
    sign_up(client, link)
    subscription = ReminderSubscription.objects.get()
    pages = [
        Client().get(confirm_url(subscription)),
        Client().post(confirm_url(subscription)),
        Client().get(unsubscribe_url(subscription)),
        Client().post(unsubscribe_url(subscription)),
    ]

    texts = [text for page in pages for text in sentences_of(page.content.decode())]
    assert len(texts) >= 8
    assert above_grade_6(texts) == []
