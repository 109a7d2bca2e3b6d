"""Reminder emails: signing up, confirming, who gets what when, and stopping them."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hipclinic.models import AuditAction, AuditEvent
from patients.links import create_link, link_path, link_url, revoke_link
from patients.models import ReminderSubscription
from patients.reminder_sending import (
    NUDGE,
    REMINDER,
    due_reminders,
    send_due_reminders,
    send_one,
    send_reminders,
)
from patients.reminders import confirm_url, unsubscribe_url
from tests.concurrency import at_once
from tests.factories import (
    ExerciseFactory,
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("America/Chicago")
PRIVATE_WORDS = ("Zebedee", "Quillfeather", "Torn labrum", "twinge", "Pelican bridge", "pain")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = range(5)


def day(weekday: int, weeks: int = 0) -> datetime.date:
    """The next such weekday after today in the clinic (links are live for 90 days)."""
    today = datetime.datetime.now(ZONE).date()
    ahead = (weekday - today.weekday() - 1) % 7 + 1
    return today + datetime.timedelta(days=ahead + 7 * weeks)


def at(date: datetime.date, hour: int, minute: int = 5) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=ZONE)


@pytest.fixture
def clinic(clinic):
    clinic.timezone = "America/Chicago"
    clinic.nudge_after_days = 3
    clinic.save()
    return clinic


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(
        clinic=clinic,
        first_name="Zebedee",
        last_name="Quillfeather",
        condition="Torn labrum",
        email="record@example.com",
        primary_therapist=therapist,
    )


@pytest.fixture
def handout(patient, therapist):
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip set")
    PrescriptionItemFactory(
        prescription=programme, exercise=ExerciseFactory(name="Pelican bridge"), days_per_week=3
    )
    return HandoutFactory(prescription=programme)


@pytest.fixture
def link(patient, therapist, handout):
    return create_link(patient, therapist)


@pytest.fixture
def sunday_log(patient):
    """Logged the day before the next Monday, with a score and a note nobody else may read."""
    return SessionLogFactory(
        patient=patient, date=day(MONDAY) - datetime.timedelta(days=1), pain=9, note="A twinge"
    )


@pytest.fixture
def subscription(patient, link, sunday_log):
    """Reminders on Monday, Wednesday and Friday at 6 pm, confirmed the Sunday before."""
    return ReminderSubscription.objects.create(
        patient=patient,
        email="zq@example.com",
        weekdays=[MONDAY, WEDNESDAY, FRIDAY],
        hour=18,
        confirmed_at=at(sunday_log.date, 9),
    )


def sign_up(client, link, email="zq@example.com", days=(MONDAY, WEDNESDAY, FRIDAY), hour=18):
    return client.post(
        link_path(link) + "reminders/", {"email": email, "days": list(days), "hour": hour}
    )


def everything_in(message) -> str:
    return " ".join([message.subject, message.body, *message.extra_headers.values()])


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


def test_confirming_from_the_link_alone_starts_the_reminders(client, link, clinic):
    clinic.nudge_after_days = 0
    clinic.save()
    sign_up(client, link)
    subscription = ReminderSubscription.objects.get()

    response = Client().get(confirm_url(subscription))

    assert response.status_code == 200
    assert "Your reminders are on" in response.content.decode()
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


# --- Who gets what, when -------------------------------------------------------------------


def test_a_reminder_goes_on_a_chosen_day_once_the_hour_comes(subscription, link, clinic):
    send_due_reminders(at(day(MONDAY), 18))

    (message,) = mail.outbox
    assert message.to == ["zq@example.com"]
    assert clinic.name in message.subject and clinic.name in message.body
    assert link_url(link) in message.body
    assert unsubscribe_url(subscription) in message.body


def test_no_reminder_on_a_day_not_chosen(subscription):
    assert send_due_reminders(at(day(MONDAY) + datetime.timedelta(days=1), 18)) == {
        REMINDER: 0,
        NUDGE: 0,
    }


def test_no_reminder_before_the_chosen_hour(subscription):
    send_due_reminders(at(day(MONDAY), 17, 59))

    assert mail.outbox == []


def test_the_hour_is_the_clinics_not_the_servers(subscription):
    # 23:30 UTC on Monday is 5:30 pm in Chicago: not yet.
    monday = day(MONDAY)
    send_due_reminders(
        datetime.datetime.combine(monday, datetime.time(23, 30), tzinfo=datetime.UTC)
    )

    assert mail.outbox == []


def test_no_reminder_when_today_is_logged_already(subscription, patient):
    SessionLogFactory(patient=patient, date=day(MONDAY))

    send_due_reminders(at(day(MONDAY), 18))

    assert mail.outbox == []


def test_running_twice_in_a_day_sends_one_email(subscription):
    send_due_reminders(at(day(MONDAY), 18))
    send_due_reminders(at(day(MONDAY), 21))

    assert len(mail.outbox) == 1


def test_a_run_that_lost_the_race_sends_nothing(subscription):
    """Two workers found the same patient due; the second finds the day already claimed."""
    now = at(day(MONDAY), 18)
    (due,) = due_reminders(now)
    send_due_reminders(now)

    assert send_one(due, now) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_once_send_one_email(subscription):
    now = at(day(MONDAY), 18)

    results = at_once(lambda: send_due_reminders(now), lambda: send_due_reminders(now))

    assert sorted(result[REMINDER] for result in results) == [0, 1]
    assert len(mail.outbox) == 1


def test_a_nudge_goes_after_the_clinics_quiet_days(subscription, clinic):
    clinic.nudge_after_days = 2
    clinic.save()

    # Tuesday is not a reminder day; Sunday's log was two days ago.
    sent = send_due_reminders(at(day(MONDAY) + datetime.timedelta(days=1), 18))

    assert sent == {REMINDER: 0, NUDGE: 1}
    assert "gentle nudge" in mail.outbox[0].subject
    assert "A little is better than nothing" in mail.outbox[0].body


def test_a_nudge_replaces_the_days_reminder(subscription):
    wednesday = day(MONDAY) + datetime.timedelta(days=2)

    sent = send_due_reminders(at(wednesday, 18))
    send_due_reminders(at(wednesday, 20))

    assert sent == {REMINDER: 0, NUDGE: 1}
    assert len(mail.outbox) == 1
    subscription.refresh_from_db()
    assert subscription.last_sent_on == subscription.last_nudged_on == wednesday


def test_one_nudge_for_each_quiet_spell(subscription):
    monday = day(MONDAY)
    send_due_reminders(at(monday + datetime.timedelta(days=2), 18))  # Wednesday: the nudge

    friday = send_due_reminders(at(monday + datetime.timedelta(days=4), 18))

    assert friday == {REMINDER: 1, NUDGE: 0}


def test_a_log_starts_a_new_quiet_spell(subscription, patient):
    monday = day(MONDAY)
    send_due_reminders(at(monday + datetime.timedelta(days=2), 18))  # Wednesday: the nudge
    SessionLogFactory(patient=patient, date=monday + datetime.timedelta(days=3))

    # Three quiet days after Thursday's log: Sunday.
    sunday = send_due_reminders(at(monday + datetime.timedelta(days=6), 18))

    assert sunday == {REMINDER: 0, NUDGE: 1}


def test_no_nudges_when_the_clinic_sets_none(subscription, clinic):
    clinic.nudge_after_days = 0
    clinic.save()

    tuesday_next_week = send_due_reminders(at(day(TUESDAY, weeks=1), 18))

    assert tuesday_next_week == {REMINDER: 0, NUDGE: 0}


def test_emails_hold_no_name_condition_exercise_pain_or_note(subscription):
    monday = day(MONDAY)
    send_due_reminders(at(monday, 18))  # a reminder
    send_due_reminders(at(monday + datetime.timedelta(days=3), 18))  # Thursday: a nudge

    assert [m.subject.split()[0] for m in mail.outbox] == ["Time", "A"]
    for message in mail.outbox:
        for word in PRIVATE_WORDS:
            assert word.lower() not in everything_in(message).lower()


def test_emails_offer_one_click_unsubscribe_headers(subscription):
    send_due_reminders(at(day(MONDAY), 18))

    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe"] == f"<{unsubscribe_url(subscription)}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_nothing_goes_before_the_address_is_confirmed(subscription):
    ReminderSubscription.objects.filter(pk=subscription.pk).update(confirmed_at=None)

    send_due_reminders(at(day(MONDAY), 18))

    assert mail.outbox == []


def test_a_discharged_patient_gets_no_emails(subscription, patient):
    patient.is_active = False
    patient.save()

    send_due_reminders(at(day(MONDAY), 18))

    assert mail.outbox == []


def test_a_revoked_link_means_no_emails(subscription, link, therapist):
    revoke_link(link, therapist)

    send_due_reminders(at(day(MONDAY), 18))

    assert mail.outbox == []


def test_emails_carry_the_newest_live_link(subscription, link, patient, therapist):
    newer = create_link(patient, therapist)

    send_due_reminders(at(day(MONDAY), 18))

    assert link_url(newer) in mail.outbox[0].body


# --- Stopping ------------------------------------------------------------------------------


def test_the_unsubscribe_link_alone_stops_the_emails(subscription):
    response = Client().get(unsubscribe_url(subscription))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Reminder emails are off" in html
    assert "Email me a reminder" in html  # how to turn them on again
    send_due_reminders(at(day(MONDAY), 18))
    assert mail.outbox == []


def test_unsubscribing_twice_says_the_same(subscription):
    first = Client().get(unsubscribe_url(subscription))
    second = Client().get(unsubscribe_url(subscription))

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
    subscription.refresh_from_db()
    assert subscription.is_active


def test_a_confirm_link_after_unsubscribing_does_not_start_them_again(client, link):
    sign_up(client, link)
    subscription = ReminderSubscription.objects.get()
    Client().get(unsubscribe_url(subscription))

    assert Client().get(confirm_url(subscription)).status_code == 404
    assert not ReminderSubscription.objects.get().is_active


# --- Running as a background task ----------------------------------------------------------


def test_the_task_sends_and_does_not_queue_itself_on_the_immediate_backend(patient, link):
    ReminderSubscription.objects.create(
        patient=patient,
        email="zq@example.com",
        weekdays=list(range(7)),
        hour=0,
        confirmed_at=timezone.now(),
    )

    result = send_reminders.enqueue()

    assert result.return_value == {REMINDER: 1, NUDGE: 0}
    assert len(mail.outbox) == 1
    assert not DBTaskResult.objects.exists()


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": settings.TASKS_BACKENDS["database"]}}


def test_schedule_reminders_queues_one_run_however_often_it_is_called(database_backend):
    from django.core.management import call_command

    call_command("schedule_reminders")
    call_command("schedule_reminders")

    assert DBTaskResult.objects.filter(task_path=send_reminders.module_path).count() == 1


def test_a_run_on_the_worker_queues_the_next_for_the_top_of_the_hour(database_backend):
    send_reminders.call()

    (queued,) = DBTaskResult.objects.filter(task_path=send_reminders.module_path)
    assert queued.run_after > timezone.now()
    assert (queued.run_after.minute, queued.run_after.second) == (0, 0)
