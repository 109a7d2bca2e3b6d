"""The calendar file (.ics) a patient adds to their phone's calendar: their exercise days,
in the language of the page that made it (the patient's).

One weekly repeating event, "Your exercises", on the days and at the hour the
patient picked, with an alert when it starts. It names the clinic and links back to
the patient's page, and holds nothing else: no name, no pain, no note, no exercise.
Built with icalendar; times are in the clinic's time zone, with its VTIMEZONE so
every calendar app reads them alike.
"""

import datetime
import hashlib

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from icalendar import Alarm, Calendar, Event

from patients.models import Handout, PatientLink

SUMMARY = _("Your exercises")
PRODID = "-//hipclinic//Exercise reminders//EN"
LENGTH = datetime.timedelta(minutes=30)
ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def calendar_uid(link: PatientLink) -> str:
    """The same event id every time a link's calendar is downloaded, so a calendar app
    updates its event rather than adding a second; derived one way from the link's hash."""
    digest = hashlib.sha256(f"hipclinic calendar:{link.token_hash}".encode()).hexdigest()
    return f"{digest[:32]}@hipclinic"


def first_day(start: datetime.date, weekdays: list[int]) -> datetime.date:
    """The first of the chosen weekdays on or after ``start``."""
    return next(
        start + datetime.timedelta(days=ahead)
        for ahead in range(7)
        if (start + datetime.timedelta(days=ahead)).weekday() in weekdays
    )


def exercise_calendar(
    link: PatientLink,
    handout: Handout,
    *,
    page_url: str,
    weekdays: list[int],
    hour: int,
    today: datetime.date,
) -> bytes:
    """The .ics file for ``link``: from today (or the programme's later start) until the
    link stops opening."""
    clinic = link.patient.clinic
    zone = clinic.zone
    start_date = max(today, handout.prescription.start_date or today)
    start = datetime.datetime.combine(
        first_day(start_date, weekdays), datetime.time(hour), tzinfo=zone
    )
    until = link.expires_at.astimezone(datetime.UTC)
    event = Event.new(
        uid=calendar_uid(link),
        summary=str(SUMMARY),
        description=gettext(
            "Time for your exercises from %(clinic)s. Open your exercise page: %(url)s"
        )
        % {"clinic": clinic.name, "url": page_url},
        url=page_url,
        start=start,
        end=start + LENGTH,
        stamp=datetime.datetime.now(datetime.UTC),
    )
    event.add(
        "rrule",
        {"freq": "weekly", "byday": [ICAL_DAYS[day] for day in sorted(weekdays)], "until": until},
    )
    alarm = Alarm.new(description=str(SUMMARY))
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", datetime.timedelta(0))
    event.add_component(alarm)
    calendar = Calendar.new(
        prodid=PRODID, name=gettext("%(clinic)s: your exercises") % {"clinic": clinic.name}
    )
    calendar.add_component(event)
    # Only the years the event spans, so the time zone stays a few lines long.
    calendar.add_missing_timezones(
        first_date=start.date() - datetime.timedelta(days=1),
        last_date=until.date() + datetime.timedelta(days=2),
    )
    return calendar.to_ical()
