"""A session that ends while a form is open loses nothing (hipclinic/unsaved_work.py).

The session ends as it does after SESSION_IDLE_MINUTES: the server no longer has it
(its row is deleted), while the browser still shows the page with what was typed.
"""

import pytest
from django.contrib.sessions.models import Session

from patients.models import Patient
from tests.e2e.conftest import log_in
from tests.factories import (
    PASSWORD,
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)

NOTE = "Slowly.\nStop if it pinches."


@pytest.fixture
def programme(transactional_db, clinic, therapist):
    patient = PatientFactory(clinic=clinic, first_name="Kim", last_name="Lee")
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Back care")
    for order, name in enumerate(["Cat stretch", "Knee hug"]):
        PrescriptionItemFactory(
            prescription=programme, order=order, exercise=ExerciseFactory(clinic=clinic, name=name)
        )
    ExerciseFactory(clinic=None, name="Happy baby stretch")
    return programme


def session_ends() -> None:
    Session.objects.all().delete()


def sign_in_again(page, user) -> None:
    page.get_by_role("heading", name="Your session ended").wait_for()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in again").click()


def row(page, number: int):
    return page.locator("#items > li").nth(number)


def add_a_row_with_a_dose_and_a_note(page) -> None:
    page.get_by_label("Find an exercise").fill("happy")
    page.get_by_role("button", name="Add Happy baby stretch").click()
    page.get_by_text("Added Happy baby stretch as exercise 3.").wait_for()
    row(page, 2).get_by_label("Sets", exact=True).fill("4")
    row(page, 2).get_by_label("Note for this patient").fill(NOTE)


def fill_in_a_new_patient(page, base_url: str) -> None:
    page.goto(f"{base_url}/patients/new/")
    page.get_by_label("Chart number").fill("HC-1001")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Date of birth").fill("1961-04-02")


def test_a_builder_save_after_the_session_ended_is_saved_once_signed_in_again(
    page, base_url, therapist, programme
):
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{programme.pk}/edit/")
    add_a_row_with_a_dose_and_a_note(page)
    session_ends()
    # A search typed now says to save as usual, and offers no sign-in form of its own.
    page.get_by_label("Find an exercise").fill("stretch")
    page.locator("#search-results").get_by_text("Your session ended").wait_for()
    assert page.locator("#search-results form").count() == 0

    page.get_by_role("button", name="Save programme").click()
    sign_in_again(page, therapist)

    page.get_by_text("Saved “Back care”.").wait_for()
    rows = programme.items.order_by("order")
    assert [(item.exercise.name, item.sets) for item in rows] == [
        ("Cat stretch", 3),
        ("Knee hug", 3),
        ("Happy baby stretch", 4),
    ]
    assert rows[2].note.replace("\r\n", "\n") == NOTE
    page.goto(f"{base_url}/programmes/{programme.pk}/edit/")
    assert row(page, 2).get_by_label("Sets", exact=True).input_value() == "4"
    assert row(page, 2).get_by_label("Note for this patient").input_value() == NOTE


def test_a_builder_button_pressed_after_the_session_ended_returns_to_the_typed_rows(
    page, base_url, therapist, programme
):
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{programme.pk}/edit/")
    add_a_row_with_a_dose_and_a_note(page)
    session_ends()

    page.get_by_role("button", name="Move Happy baby stretch up").click()
    # The whole sign-in page, not a builder emptied in place under "Signed in as Sam".
    page.get_by_role("heading", name="Your session ended").wait_for()
    assert page.get_by_text("Signed in as").count() == 0
    sign_in_again(page, therapist)

    page.get_by_text("Moved to position 2.").wait_for()
    assert row(page, 1).locator("h3").inner_text() == "2. Happy baby stretch"
    assert row(page, 1).get_by_label("Sets", exact=True).input_value() == "4"
    assert row(page, 1).get_by_label("Note for this patient").input_value() == NOTE
    assert programme.items.count() == 2  # moved in the builder, not saved yet


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_a_new_patient_saved_after_the_session_ended_is_added_once_signed_in_again(
    new_page, base_url, therapist, javascript
):
    page = new_page(javascript=javascript)
    log_in(page, base_url, therapist)
    fill_in_a_new_patient(page, base_url)
    session_ends()

    page.get_by_role("button", name="Save").click()
    sign_in_again(page, therapist)
    if not javascript:
        page.get_by_role("heading", name="Signed in again").wait_for()
        page.get_by_role("button", name="Save my changes").click()

    page.get_by_role("heading", name="Robin Okafor").wait_for()
    patient = Patient.objects.get()
    assert (patient.chart_number, patient.date_of_birth.isoformat()) == ("HC-1001", "1961-04-02")
    assert patient.clinic == therapist.clinic


def test_a_second_tab_left_open_across_signing_in_again_keeps_its_builder_rows(
    page, base_url, therapist, programme
):
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{programme.pk}/edit/")
    add_a_row_with_a_dose_and_a_note(page)
    other_tab = page.context.new_page()
    fill_in_a_new_patient(other_tab, base_url)
    session_ends()
    other_tab.get_by_role("button", name="Save").click()
    sign_in_again(other_tab, therapist)  # signing in gives this browser a new CSRF token
    other_tab.get_by_role("heading", name="Robin Okafor").wait_for()

    page.get_by_role("button", name="Save programme").click()
    page.get_by_role("heading", name="Send your changes again").wait_for()
    page.get_by_role("button", name="Save my changes").click()

    page.get_by_text("Saved “Back care”.").wait_for()
    assert programme.items.order_by("order").last().note.replace("\r\n", "\n") == NOTE
