"""Cautions and swaps in a real browser: the builder warns about an exercise tagged with one
of the patient's conditions and will not save until the therapist confirms; a swap keeps
the patient's frequency and asks about the note. With JavaScript (htmx) and without."""

import os

import pytest

from exercises.models import Condition, Contraindication, Side
from tests.e2e.conftest import ARTIFACTS, accessibility_violations, log_in
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)

REASON = "Crosses the legs and bends the hip past a right angle."
CONFIRM = "I have checked this is right for this patient"
NOTE = "Pad the knee with a folded towel."


@pytest.fixture
def programme(transactional_db, clinic, therapist):
    """A patient with a posterior-approach hip replacement on their record, one exercise so
    far, and the figure-four stretch in the library, tagged for that condition."""
    patient = PatientFactory(
        clinic=clinic, first_name="Robin", last_name="Okafor", conditions=[Condition.HIP_POSTERIOR]
    )
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="New hip")
    PrescriptionItemFactory(
        prescription=programme, order=0, exercise=ExerciseFactory(clinic=None, name="Ankle pumps")
    )
    figure_four = ExerciseFactory(
        clinic=None, name="Figure-four stretch", sets=None, reps=3, hold=30
    )
    Contraindication.objects.create(
        exercise=figure_four, condition=Condition.HIP_POSTERIOR, reason=REASON
    )
    return programme


def add_figure_four(page) -> None:
    opener = page.get_by_role("link", name="Add an exercise")
    if opener.is_visible():  # narrower than two columns the finder is a panel it opens
        opener.click()
    page.get_by_label("Find an exercise").fill("figure")  # htmx shows the results
    page.get_by_role("button", name="Add Figure-four stretch").click()
    page.get_by_text("Added Figure-four stretch as exercise 2.").wait_for()


def test_adding_the_figure_four_stretch_warns_and_saves_only_once_confirmed(
    page, base_url, therapist, programme
):
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{programme.pk}/edit/")

    add_figure_four(page)
    row = page.locator("#items > li").nth(1)
    warning = row.locator(".caution-warning")
    assert "Take care: Hip replacement, posterior approach." in warning.inner_text()
    assert REASON in warning.inner_text()

    page.get_by_role("button", name="Save programme").click()
    row.get_by_text("Not saved: this exercise needs care for this patient").wait_for()
    assert list(programme.items.values_list("exercise__name", flat=True)) == ["Ankle pumps"]
    problems = accessibility_violations(page)

    row.get_by_label(CONFIRM).check()
    page.get_by_role("button", name="Save programme").click()
    page.get_by_text("Saved “New hip”.").wait_for()

    item = programme.items.get(exercise__name="Figure-four stretch")
    assert item.confirmed_conditions == [Condition.HIP_POSTERIOR]
    assert item.confirmed_by == therapist
    assert item.confirmed_at is not None
    assert page.get_by_text("Checked for Hip replacement, posterior approach by Sam Rivera").count()
    assert problems == []


def test_the_warning_is_confirmed_from_the_keyboard_on_a_768px_screen(
    new_page, base_url, therapist, programme
):
    page = new_page(width=768, height=1024)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{programme.pk}/edit/")
    add_figure_four(page)

    box = page.get_by_label(CONFIRM)
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    if os.environ.get("HIPCLINIC_SCREENSHOTS") == "1":
        page.locator("#items > li").nth(1).screenshot(path=str(shot("cautions-768.png")))
    wider = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.labels[0].innerText") == CONFIRM

    page.get_by_role("button", name="Save programme").click()
    page.get_by_text("Saved “New hip”.").wait_for()
    assert not wider  # nothing runs off the side of the screen
    assert programme.items.get(exercise__name="Figure-four stretch").confirmed_by == therapist


def shot(name: str):
    """Where a screenshot for a person to look at goes (HIPCLINIC_SCREENSHOTS=1), beside
    the failure screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


# --- Swaps --------------------------------------------------------------------------------


@pytest.fixture
def kneeling(transactional_db, clinic, therapist):
    """A programme whose kneeling stretch (with a note about the knee) has an easier chair
    version with its own usual dose."""
    chair = ExerciseFactory(
        clinic=clinic,
        name="Seated hip flexor stretch",
        sets=None,
        reps=3,
        hold=20,
        side=Side.EACH,
        times_per_day=1,
        days_per_week=3,
    )
    programme = PrescriptionFactory(
        patient=PatientFactory(clinic=clinic), therapist=therapist, title="Hip set"
    )
    PrescriptionItemFactory(
        prescription=programme,
        exercise=ExerciseFactory(
            clinic=clinic, name="Kneeling hip flexor stretch", easier_version=chair
        ),
        sets=2,
        reps=5,
        hold=45,
        times_per_day=2,
        days_per_week=5,
        note=NOTE,
    )
    return programme


@pytest.mark.parametrize(
    ("javascript", "answer", "saved_note"),
    [(True, "Clear it", ""), (False, "Keep this note", NOTE)],
)
def test_a_swap_keeps_the_frequency_takes_the_usual_dose_and_asks_about_the_note(
    new_page, base_url, therapist, kneeling, javascript, answer, saved_note
):
    page = new_page(javascript=javascript)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{kneeling.pk}/edit/")

    page.get_by_role("button", name="Easier: Seated hip flexor stretch").click()
    page.get_by_text("This note was written for Kneeling hip flexor stretch.").wait_for()
    row = page.locator("#items > li").nth(0)
    assert row.get_by_label("Times a day").input_value() == "2"
    assert row.get_by_label("Days a week").input_value() == "5"
    assert row.get_by_label("Hold", exact=True).input_value() == "20"
    assert row.get_by_label("Repetitions", exact=True).input_value() == "3"
    assert row.get_by_label("Note for this patient").input_value() == NOTE
    if os.environ.get("HIPCLINIC_SCREENSHOTS") == "1":
        row.screenshot(path=str(shot("swap-note-question.png")))

    page.get_by_role("button", name="Save programme").click()
    page.get_by_text("press Keep this note or Clear it").wait_for()

    page.get_by_role("button", name=answer).click()
    page.get_by_role("button", name=answer).wait_for(state="detached")
    page.get_by_role("button", name="Save programme").click()
    page.get_by_text("Saved “Hip set”.").wait_for()

    item = kneeling.items.get()
    assert (item.exercise.name, item.times_per_day, item.days_per_week) == (
        "Seated hip flexor stretch",
        2,
        5,
    )
    assert (item.hold, item.reps, item.note) == (20, 3, saved_note)
