"""The patient's link on their record, in a real browser: Copy puts the whole link on the
clipboard, beside the QR code the handout prints, and says so in the staff user's language."""

import os

from patients.links import create_link, link_url
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import PatientFactory


def test_copy_puts_the_whole_link_on_the_clipboard(page, base_url, therapist, clinic):
    patient = PatientFactory(clinic=clinic, email="robin@example.com")
    link = create_link(patient, therapist)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/patients/{patient.pk}/")

    box = page.locator("#current-link-box")
    assert box.get_by_role("img", name="QR code of the current link").locator("svg").is_visible()
    assert box.get_by_role("button", name="Email the link to robin@example.com").is_visible()
    box.get_by_role("button", name="Copy the link").click()
    box.get_by_text("Copied the link.").wait_for()

    assert page.evaluate("navigator.clipboard.readText()") == link_url(link)
    if os.environ.get("HIPCLINIC_SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator("#links-heading").locator("xpath=..").screenshot(
            path=str(ARTIFACTS / "link-box.png")
        )


def test_copy_says_what_it_did_in_the_staff_users_language(page, base_url, therapist, clinic):
    """The script's words come from the JavaScript catalogue, loaded under our CSP."""
    therapist.language = "es"
    therapist.save()
    patient = PatientFactory(clinic=clinic)
    create_link(patient, therapist)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/patients/{patient.pk}/")

    page.locator("#current-link-box [data-copies]").click()

    page.locator("#current-link-box").get_by_text("Enlace copiado.").wait_for()
    assert page.evaluate("typeof gettext") == "function"
