"""The patient's side on a phone-sized Chromium: open the link, get the PDF, log a session."""

from pathlib import Path

import pytest

from patients.links import link_url
from patients.models import PatientLink
from tests.e2e.conftest import accessibility_violations, issued_to_kim, log_in
from tests.e2e.test_programme_builder import keep_screenshot
from tests.pdfs import pdf_text

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def issued(transactional_db, clinic, therapist, settings, live_server):
    settings.SITE_URL = live_server.url
    return issued_to_kim(clinic, therapist, "Back care", "Knee hug")


def test_a_patient_opens_their_link_on_a_phone_and_their_therapist_sees_the_log(
    new_page, base_url, therapist, issued
):
    link = PatientLink.objects.get(patient=issued.prescription.patient)
    phone = new_page(**PHONE)
    phone.goto(link_url(link))

    phone.get_by_role("heading", name="Hello Kim").wait_for()
    assert phone.get_by_text("Knee hug").first.is_visible()
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Download your exercise sheet (PDF)").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf == issued.pdf.open("rb").read()
    assert "Knee hug" in pdf_text(pdf)

    phone.get_by_label("3", exact=True).check()
    phone.get_by_label("Anything to tell your therapist? (optional)").fill("Easier today")
    phone.get_by_role("button", name="Save today's session").click()
    phone.get_by_text("Thank you. Today's session is saved.").wait_for()
    problems = accessibility_violations(phone)
    keep_screenshot(phone, "patient-page.png")

    desk = new_page()
    log_in(desk, base_url, therapist)
    desk.goto(f"{base_url}/patients/{issued.prescription.patient.pk}/")
    desk.get_by_text("Each logged day as a table").click()
    row = desk.locator("details table tbody tr").first
    assert row.locator("td").nth(1).inner_text() == "3"
    assert row.locator("td").nth(2).inner_text() == "Easier today"
    assert desk.locator("svg .point").count() == 1
    assert problems == []


def test_a_patient_on_a_phone_sees_the_red_flags_and_can_call_the_clinic(new_page, issued):
    link = PatientLink.objects.get(patient=issued.prescription.patient)
    phone = new_page(**PHONE)
    phone.goto(link_url(link))

    box = phone.get_by_role("region", name="Stop and call us if")
    box.scroll_into_view_if_needed()
    assert box.is_visible()
    assert box.get_by_role("heading", name="Get urgent medical help now").is_visible()
    assert "these symptoms in both legs." in box.inner_text()
    call = box.get_by_role("link", name="555 0100")
    assert call.get_attribute("href") == "tel:5550100"
    assert call.is_visible()
    # Nothing in the box is wider than the phone: no sideways scrolling to read it.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
