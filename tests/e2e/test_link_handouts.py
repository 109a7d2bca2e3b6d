"""A therapist makes a new link on the record page without breaking a printed handout,
then stops the old one and issues the handout again, in a real Chromium."""

import pytest

from patients.links import link_url
from patients.models import Handout, PatientLink
from tests.e2e.conftest import accessibility_violations, issued_to_kim, log_in


@pytest.fixture
def issued(transactional_db, clinic, therapist, settings, live_server):
    settings.SITE_URL = live_server.url
    return issued_to_kim(clinic, therapist, "Hip strength", "Bridge")


def test_a_new_link_keeps_the_handout_open_until_the_therapist_stops_it(
    new_page, base_url, therapist, issued
):
    patient = issued.prescription.patient
    old = issued.patient_link
    desk = new_page()
    log_in(desk, base_url, therapist)
    desk.goto(f"{base_url}/patients/{patient.pk}/")

    assert desk.get_by_text(
        "The current link's QR code is on: Hip strength, version 1."
    ).is_visible()
    assert not desk.get_by_label("Stop the older links from opening").is_checked()
    desk.get_by_role("button", name="Create a new link").click()
    desk.get_by_text("New link created. The older links still open.").wait_for()
    assert PatientLink.objects.get(pk=old.pk).revoked_at is None

    desk.get_by_label("Stop the older links from opening").check()
    assert desk.get_by_label(
        "Issue the current handout again with the new link's QR code"
    ).is_checked()
    desk.get_by_role("button", name="Create a new link").click()
    desk.get_by_text(
        "Issued again: Hip strength, version 2, with the new link's QR code."
    ).wait_for()
    problems = accessibility_violations(desk)

    again = Handout.objects.get(prescription=issued.prescription, revision=2)
    newest = PatientLink.objects.live().get(patient=patient)
    assert again.patient_link == newest
    assert desk.get_by_role("row").filter(has_text="Hip strength, version 2").count() == 1
    phone = new_page(width=390, height=844)
    assert phone.goto(link_url(old)).status == 404
    assert phone.goto(link_url(newest)).status == 200
    assert problems == []
