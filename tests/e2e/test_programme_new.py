"""Starting a programme in a real browser: choosing a protocol ticks "A protocol", and an
empty title takes the protocol's."""

from patients.models import Prescription
from tests.e2e.conftest import log_in
from tests.e2e.test_programme_builder import row_titles
from tests.factories import PatientFactory


def test_choosing_a_protocol_ticks_it_and_an_empty_title_takes_the_protocols(
    page, base_url, therapist, protocol, clinic
):
    patient = PatientFactory(clinic=clinic, first_name="Robin", last_name="Okafor")
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/patients/{patient.pk}/programmes/new/")
    assert page.get_by_label("An empty programme").is_checked()

    page.get_by_label("Protocol", exact=True).select_option(label="Outer hip strength (library)")

    assert page.get_by_label("A protocol").is_checked()
    page.get_by_role("button", name="Create draft").click()
    page.get_by_role("heading", name="Programme for Robin Okafor").wait_for()
    assert row_titles(page) == ["Clamshell", "Side-lying leg lift", "Glute bridge"]
    assert Prescription.objects.get(patient=patient).title == "Outer hip strength"
