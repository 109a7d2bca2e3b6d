"""Reminders on a phone-sized Chromium: the calendar file and the email sign-up."""

import pytest
from django.core import mail
from icalendar import Calendar

from patients.links import create_link, link_url
from tests.e2e.conftest import accessibility_violations
from tests.e2e.test_programme_builder import keep_screenshot
from tests.factories import (
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
)

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def link(transactional_db, clinic, settings, live_server):
    settings.SITE_URL = live_server.url
    therapist = UserFactory(clinic=clinic)
    patient = PatientFactory(clinic=clinic, first_name="Kim", last_name="Lee")
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Back care")
    PrescriptionItemFactory(prescription=programme, days_per_week=3)
    HandoutFactory(prescription=programme)
    return create_link(patient, therapist)


def test_a_patient_adds_their_days_to_a_calendar_and_asks_for_emails_on_a_phone(
    new_page, link, tmp_path
):
    phone = new_page(**PHONE)
    phone.goto(link_url(link))
    box = phone.get_by_role("region", name="Reminders")

    # The calendar: Monday, Wednesday and Friday ticked from the programme; add Sunday.
    box.locator("#calendar_days_6").check()
    with phone.expect_download() as download_info:
        box.get_by_role("button", name="Add to my calendar").click()
    download = download_info.value
    assert download.suggested_filename == "exercises.ics"
    download.save_as(tmp_path / "exercises.ics")
    event = Calendar.from_ical((tmp_path / "exercises.ics").read_bytes()).events[0]
    assert event.get("rrule")["BYDAY"] == ["MO", "WE", "FR", "SU"]

    # The email sign-up.
    box.get_by_label("Your email address").fill("kim@example.com")
    box.get_by_role("button", name="Email me a reminder").click()
    phone.get_by_text("We sent an email to k•••@example.com").first.wait_for()

    assert [message.to for message in mail.outbox] == [["kim@example.com"]]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert accessibility_violations(phone) == []
    keep_screenshot(phone, "patient-reminders.png")
