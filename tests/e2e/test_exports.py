"""The exports in a real browser (issue 20 §5): "Copy as text" puts the note for the chart on
the clipboard, or selects it where the browser gives no clipboard; "Download FHIR record
(JSON)" saves a bundle the FHIR library reads."""

import datetime
import os
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from patients.chart_note import chart_note
from patients.models import PrescriptionStatus
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import SessionLogFactory, issued_on


def shot(page, name: str) -> None:
    if os.environ.get("HIPCLINIC_SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def issued(programme):
    programme.status = PrescriptionStatus.ACTIVE
    programme.review_date = datetime.date(2026, 12, 15)
    programme.save()
    issued_on(programme, datetime.date(2026, 11, 3))
    return programme


def test_copy_as_text_puts_the_note_for_the_chart_on_the_clipboard(
    page, base_url, therapist, programme
):
    issued(programme)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{programme.pk}/")

    page.get_by_role("button", name="Copy as text").click()
    page.get_by_text("Copied the note.").wait_for()

    assert page.evaluate("navigator.clipboard.readText()") == chart_note(programme)
    shot(page, "programme-chart-note.png")


def test_without_a_clipboard_copy_as_text_selects_the_whole_note(
    new_page, base_url, therapist, programme
):
    page = new_page(width=390, height=844)
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{programme.pk}/")

    page.get_by_role("button", name="Copy as text").click()
    page.get_by_text("The note is selected").wait_for()

    selected = page.evaluate(
        "(() => { const box = document.activeElement;"
        " return box.value.substring(box.selectionStart, box.selectionEnd); })()"
    )
    assert selected == chart_note(programme)
    shot(page, "programme-chart-note-phone.png")


def test_the_record_page_downloads_a_fhir_bundle(page, base_url, therapist, programme):
    issued(programme)
    SessionLogFactory(patient=programme.patient, prescription=programme, pain=4)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/patients/{programme.patient.pk}/")
    shot(page, "patient-record-fhir-button.png")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download FHIR record (JSON)").click()

    saved = download.value
    assert saved.suggested_filename.startswith(f"patient-{programme.patient.pk}-fhir-")
    bundle = Bundle.model_validate_json(Path(saved.path()).read_bytes())
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry]
    assert kinds == ["Patient", "CarePlan", "Observation"]
