"""Reminder emails: who gets what, when; at most one a day; nothing private in them; and
the task that sends them every hour."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from patients.links import create_link, link_url, revoke_link
from patients.models import ReminderSubscription
from patients.reminder_sending import (
    NUDGE,
    REMINDER,
    due_reminders,
    send_due_reminders,
    send_one,
    send_reminders,
)
from patients.reminders import unsubscribe_url
from tests.concurrency import at_once
from tests.factories import SessionLogFactory
from tests.patients.reminders.world import (
    MONDAY,
    PRIVATE_WORDS,
    TUESDAY,
    at,
    day,
    everything_in,
)

pytestmark = pytest.mark.django_db


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
