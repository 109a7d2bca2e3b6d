"""The calendar file (exercises.ics) a patient adds to their phone's calendar."""

import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from hipclinic.models import AuditAction, AuditEvent
from patients.links import create_link, link_path, link_url
from patients.models import PatientLink
from tests.factories import (
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def patient(clinic, therapist):
    clinic.timezone = "America/Chicago"
    clinic.save()
    return PatientFactory(
        clinic=clinic,
        first_name="Zebedee",
        last_name="Quillfeather",
        condition="Torn labrum",
        primary_therapist=therapist,
    )


@pytest.fixture
def handout(patient, therapist):
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip set")
    PrescriptionItemFactory(prescription=programme, days_per_week=3)
    return HandoutFactory(prescription=programme)


@pytest.fixture
def link(patient, therapist):
    return create_link(patient, therapist)


def ics_url(link, query="days=0&days=2&days=4&hour=18") -> str:
    return f"{link_path(link)}exercises.ics?{query}"


def event_of(response):
    return Calendar.from_ical(response.content).events[0]


def test_the_file_downloads_as_a_calendar_attachment(client, link, handout):
    response = client.get(ics_url(link))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="exercises.ics"'
    assert "no-store" in response["Cache-Control"]


def test_the_file_parses_and_repeats_on_the_chosen_days_at_the_chosen_hour(client, link, handout):
    event = event_of(client.get(ics_url(link)))

    rule = event.get("rrule")
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["MO", "WE", "FR"]
    assert event.start.tzinfo.key == "America/Chicago"
    assert (event.start.hour, event.start.minute) == (18, 0)
    assert event.start.weekday() in (0, 2, 4)
    assert event.start.date() >= datetime.datetime.now(ZONE).date()


def test_the_event_ends_when_the_link_stops_opening(client, link, handout):
    rule = event_of(client.get(ics_url(link))).get("rrule")

    assert rule["UNTIL"][0] == link.expires_at.replace(microsecond=0)


def test_the_event_names_the_clinic_and_links_to_the_page(client, link, handout, clinic):
    event = event_of(client.get(ics_url(link)))

    assert event["SUMMARY"] == "Your exercises"
    assert clinic.name in event["DESCRIPTION"]
    assert link_url(link) in event["DESCRIPTION"]
    assert event["URL"] == link_url(link)


def test_the_event_has_an_alert_when_it_starts(client, link, handout):
    (alarm,) = event_of(client.get(ics_url(link))).walk("VALARM")

    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.get("TRIGGER").dt == datetime.timedelta(0)


def test_the_calendar_says_who_made_it_and_carries_its_time_zone(client, link, handout):
    calendar = Calendar.from_ical(client.get(ics_url(link)).content)

    assert "hipclinic" in calendar["PRODID"]
    assert [zone.tz_name for zone in calendar.timezones] == ["America/Chicago"]


def test_the_event_id_stays_the_same_for_the_link(client, link, handout, patient, therapist):
    first = event_of(client.get(ics_url(link)))["UID"]
    again = event_of(client.get(ics_url(link, "days=1&hour=7")))["UID"]
    other = event_of(client.get(ics_url(create_link(patient, therapist))))["UID"]

    assert first == again
    assert other != first


def test_the_file_holds_no_name_condition_pain_or_note(client, link, handout, patient):
    SessionLogFactory(patient=patient, pain=9, note="Sharp twinge behind the kneecap")

    text = client.get(ics_url(link)).content.decode()

    for private in ("Zebedee", "Quillfeather", "Torn labrum", "twinge", "Hip set"):
        assert private not in text
    assert "PAIN" not in text.upper()


def test_the_events_start_waits_for_a_programme_starting_later(client, link, handout):
    later = datetime.datetime.now(ZONE).date() + datetime.timedelta(days=20)
    handout.prescription.start_date = later
    handout.prescription.save()

    event = event_of(client.get(ics_url(link)))

    assert later <= event.start.date() < later + datetime.timedelta(days=7)


def test_the_phone_page_offers_the_file_with_the_programmes_days_ticked(client, link, handout):
    html = client.get(link_path(link)).content.decode()

    assert f'action="{link_path(link)}exercises.ics"' in html
    ticked = [day for day in range(7) if f'value="{day}" id="calendar_days_{day}" checked' in html]
    assert ticked == [0, 2, 4]


def test_no_day_chosen_shows_the_form_again_with_the_reason(client, link, handout):
    response = client.get(ics_url(link, "hour=18"))

    assert response.status_code == 200
    assert "Choose at least one day." in response.content.decode()
    assert not response["Content-Type"].startswith("text/calendar")


def test_a_download_is_audited_against_the_handout(client, link, handout):
    client.get(ics_url(link))

    event = AuditEvent.objects.get(action=AuditAction.DOWNLOADED)
    assert (event.target_type, event.target_id, event.patient_link) == (
        "patients.handout",
        str(handout.pk),
        link,
    )


def test_a_revoked_link_gets_the_same_404_as_an_unknown_one(client, link, handout):
    PatientLink.objects.filter(pk=link.pk).update(revoked_at=datetime.datetime.now(datetime.UTC))

    revoked = client.get(ics_url(link))
    unknown = client.get("/p/" + "x" * 43 + "/exercises.ics?days=0&hour=18")

    assert revoked.status_code == unknown.status_code == 404
    assert revoked.content == unknown.content


def test_no_file_before_a_handout_is_issued(client, link):
    assert client.get(ics_url(link)).status_code == 404
