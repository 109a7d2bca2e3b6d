"""A patient whose record says Spanish gets the reminder sign-up, its emails, its pages and
the calendar file in Spanish, whatever language the browser that opens them asks for."""

import pytest
from django.core import mail
from django.utils import translation
from icalendar import Calendar

from patients.links import link_path
from patients.models import ReminderSubscription
from patients.reminder_sending import send_due_reminders
from patients.reminders import confirm_url, unsubscribe_url, when_words
from tests.patients.reminders.world import FRIDAY, MONDAY, WEDNESDAY, at, day

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture
def patient(patient):
    patient.language = "es"
    patient.save()
    return patient


def sign_up(client, link):
    return client.post(
        link_path(link) + "reminders/",
        {"email": "zq@example.com", "days": [MONDAY, WEDNESDAY, FRIDAY], "hour": 18},
        **ENGLISH_BROWSER,
    )


def test_the_sign_up_is_thanked_and_confirmed_by_email_in_spanish(client, link):
    response = sign_up(client, link)
    page = client.get(response["Location"], **ENGLISH_BROWSER).content.decode()

    assert "Le enviamos un correo a" in page
    message = mail.outbox[0]
    assert message.subject.startswith("Confirme sus recordatorios de ejercicios de")
    assert "Si fue usted, abra este enlace para decir que sí:" in message.body
    assert "El enlace funciona durante" in message.body
    assert "Hello" not in message.body


def test_the_confirm_page_asks_in_spanish_naming_the_days_and_hour(client, link):
    sign_up(client, link)
    page = client.get(confirm_url(ReminderSubscription.objects.get()), **ENGLISH_BROWSER)

    text = page.content.decode()
    assert '<html lang="es">' in text
    assert "¿Activar sus recordatorios?" in text
    assert "lunes, miércoles y viernes a las 6 de la tarde" in text
    assert page["Content-Language"] == "es"


def test_reminders_and_the_stop_page_are_in_spanish(client, subscription, link):
    send_due_reminders(at(day(MONDAY), 18))

    message = mail.outbox[-1]
    assert message.subject.startswith("Es hora de sus ejercicios: un recordatorio de")
    assert "Hoy es día de hacer sus ejercicios." in message.body
    stop_page = client.get(unsubscribe_url(subscription), **ENGLISH_BROWSER).content.decode()
    assert "¿Dejar los correos de recordatorio?" in stop_page


def test_the_calendar_event_is_named_in_spanish(client, link, handout):
    response = client.get(
        f"{link_path(link)}exercises.ics?days=0&days=2&hour=18", **ENGLISH_BROWSER
    )

    event = Calendar.from_ical(response.content).events[0]
    assert str(event["SUMMARY"]) == "Sus ejercicios"
    assert str(event["DESCRIPTION"]).startswith("Es hora de sus ejercicios, de ")


@pytest.mark.parametrize(
    ("days", "hour", "english", "spanish"),
    [
        ([0], 7, "Monday at 7 am", "lunes a las 7 de la mañana"),
        ([0], 1, "Monday at 1 am", "lunes a la 1 de la madrugada"),
        (
            [0, 2, 4],
            18,
            "Monday, Wednesday and Friday at 6 pm",
            "lunes, miércoles y viernes a las 6 de la tarde",
        ),
        ([3], 13, "Thursday at 1 pm", "jueves a la 1 de la tarde"),
        ([4], 21, "Friday at 9 pm", "viernes a las 9 de la noche"),
        ([5, 6], 12, "Saturday and Sunday at noon", "sábado y domingo al mediodía"),
        (list(range(7)), 0, "every day at midnight", "todos los días a medianoche"),
    ],
)
def test_when_a_reminder_comes_reads_in_each_language(days, hour, english, spanish):
    with translation.override("en"):
        assert when_words(days, hour) == english
    with translation.override("es"):
        assert when_words(days, hour) == spanish
