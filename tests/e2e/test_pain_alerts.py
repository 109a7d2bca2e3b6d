"""Pain that needs an answer, end to end: a patient on a phone logs pain 9, answers an
urgent question, and their therapist acknowledges the alert on a laptop."""

import pytest

from patients.links import link_url
from patients.models import Alert, PatientLink
from tests.e2e.conftest import accessibility_violations, issued_to_kim, log_in
from tests.e2e.test_patient_link import PHONE
from tests.e2e.test_programme_builder import keep_screenshot

NOTE = "Pain going down my left leg"


@pytest.fixture
def link(transactional_db, clinic, therapist, settings, live_server):
    settings.SITE_URL = live_server.url
    handout = issued_to_kim(clinic, therapist, "Back care", "Knee hug", primary_therapist=therapist)
    return PatientLink.objects.get(patient=handout.prescription.patient)


def test_pain_9_reaches_the_therapist_who_acknowledges_it(new_page, base_url, therapist, link):
    phone = new_page(**PHONE)
    phone.goto(link_url(link))

    # The patient logs pain 9 with a note, and is told to stop, rest and call.
    phone.get_by_label("9", exact=True).check()
    phone.get_by_label("Anything to tell your therapist? (optional)").fill(NOTE)
    phone.get_by_role("button", name="Save today's session").click()
    phone.get_by_role("heading", name="Please stop and rest").wait_for()
    call = phone.get_by_role("link", name="Call")
    assert call.first.get_attribute("href") == "tel:5550100"
    assert call.first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    advice_problems = accessibility_violations(phone)
    keep_screenshot(phone, "patient-pain-advice.png")

    # One yes to the urgent questions leads straight to the urgent page.
    for question in phone.locator("fieldset.urgent-question").all():
        answer = "Yes" if "bladder" in question.inner_text() else "No"
        question.get_by_label(answer, exact=True).check()
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_role("heading", name="Get urgent medical help now").wait_for()
    assert phone.get_by_text(
        "Call your emergency number now. Or go to an emergency department."
    ).is_visible()
    urgent_problems = accessibility_violations(phone)
    keep_screenshot(phone, "patient-urgent.png")

    # The therapist's Today shows the urgent alert with the note, first.
    desk = new_page()
    log_in(desk, base_url, therapist)
    desk.goto(f"{base_url}/")
    attention = desk.get_by_role("region", name="Needs attention now")
    alert_card = attention.locator("article").first
    assert "Urgent" in alert_card.inner_text()
    assert "Kim Lee" in alert_card.inner_text()
    assert "Pain 9" in alert_card.inner_text()
    assert NOTE in alert_card.inner_text()
    assert "trouble starting to pass urine" in alert_card.inner_text()
    keep_screenshot(desk, "today-alert.png")

    alert_card.get_by_role("button", name="Acknowledged: I am acting on it").click()
    desk.get_by_text("Alert for Kim Lee acknowledged.").wait_for()
    assert desk.get_by_role("region", name="Needs attention now").count() == 0

    alert = Alert.objects.get()
    assert alert.urgent and alert.acknowledged_by == therapist
    assert alert.acknowledged_at is not None
    desk.goto(f"{base_url}/patients/{link.patient_id}/")
    on_record = desk.locator(f"#alert-{alert.pk}")
    assert "Acknowledged by Sam Rivera" in on_record.inner_text()
    assert NOTE in desk.get_by_role("region", name="Session log").inner_text()
    assert advice_problems == [] and urgent_problems == []
