"""What the reminder tests share: a patient of a Chicago clinic with a distinctive name,
condition, exercise, pain score and note (none of which any reminder may carry), and
dates counted from the next Monday so a test chooses the weekday it runs on."""

import datetime
import zoneinfo

from patients.models import Handout, Patient, ReminderSubscription, SessionLog
from tests.factories import (
    ExerciseFactory,
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    SessionLogFactory,
)

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


def everything_in(message) -> str:
    """An email's subject, body and headers, to search for what must not be there."""
    return " ".join([message.subject, message.body, *message.extra_headers.values()])


def in_chicago(clinic):
    clinic.timezone = "America/Chicago"
    clinic.nudge_after_days = 3
    clinic.save()
    return clinic


def zebedee(clinic, therapist) -> Patient:
    return PatientFactory(
        clinic=clinic,
        first_name="Zebedee",
        last_name="Quillfeather",
        condition="Torn labrum",
        email="record@example.com",
        primary_therapist=therapist,
    )


def three_day_programme(patient: Patient, therapist) -> Handout:
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip set")
    PrescriptionItemFactory(
        prescription=programme, exercise=ExerciseFactory(name="Pelican bridge"), days_per_week=3
    )
    return HandoutFactory(prescription=programme)


def log_the_sunday_before(patient: Patient) -> SessionLog:
    """Logged the day before the next Monday, with a score and a note nobody else may read."""
    return SessionLogFactory(
        patient=patient, date=day(MONDAY) - datetime.timedelta(days=1), pain=9, note="A twinge"
    )


def confirmed_on(patient: Patient, date: datetime.date) -> ReminderSubscription:
    """Reminders on Monday, Wednesday and Friday at 6 pm, confirmed that morning."""
    return ReminderSubscription.objects.create(
        patient=patient,
        email="zq@example.com",
        weekdays=[MONDAY, WEDNESDAY, FRIDAY],
        hour=18,
        confirmed_at=at(date, 9),
    )
