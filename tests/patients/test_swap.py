"""Swapping an exercise for its easier or harder version in the builder, without JavaScript:
the patient's frequency stays, the new exercise's usual dose comes in, and the therapist
is asked whether the note still fits."""

import pytest

from exercises.models import HoldUnit, Side
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.patients.test_programme_views import builder_data, edit_url

pytestmark = pytest.mark.django_db

NOTE = "Pad the knee with a folded towel."


@pytest.fixture
def chair_stretch(clinic):
    return ExerciseFactory(
        clinic=clinic,
        name="Seated hip flexor stretch",
        sets=None,
        reps=3,
        hold=20,
        side=Side.EACH,
        times_per_day=1,
        days_per_week=3,
    )


@pytest.fixture
def programme(clinic, therapist, chair_stretch):
    kneeling = ExerciseFactory(
        clinic=clinic, name="Kneeling hip flexor stretch", easier_version=chair_stretch
    )
    programme = PrescriptionFactory(
        patient=PatientFactory(clinic=clinic), therapist=therapist, title="Hip set"
    )
    PrescriptionItemFactory(
        prescription=programme,
        exercise=kneeling,
        sets=2,
        reps=5,
        hold=45,
        hold_unit=HoldUnit.SECONDS,
        side=Side.BOTH,
        times_per_day=2,
        days_per_week=5,
        note=NOTE,
    )
    return programme


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


def posted_row(programme) -> dict:
    """The builder's one row as the page posts it: every dose field, the note, no question."""
    item = programme.items.get()
    return {
        "key": f"item-{item.pk}",
        "exercise": item.exercise_id,
        "note": item.note,
        "note_for": "",
        **item.dose_values(),
    }


def swap(client, programme):
    key = f"item-{programme.items.get().pk}"
    return client.post(
        edit_url(programme), builder_data(programme, f"easier:{key}", rows=[posted_row(programme)])
    )


def row_value(response, name):
    """The value the swapped row's field now holds, as the page will post it back."""
    value = response.context["formset"].forms[0][name].value()
    return "" if value is None else str(value)


def test_a_swap_keeps_the_times_a_day_and_days_a_week(staff_client, programme):
    response = swap(staff_client, programme)

    assert (row_value(response, "times_per_day"), row_value(response, "days_per_week")) == (
        "2",
        "5",
    )


def test_a_swap_takes_the_new_exercises_usual_hold_repetitions_and_side(
    staff_client, programme, chair_stretch
):
    response = swap(staff_client, programme)

    assert row_value(response, "exercise") == str(chair_stretch.pk)
    taken = {name: row_value(response, name) for name in ("sets", "reps", "hold", "side")}
    assert taken == {"sets": "", "reps": "3", "hold": "20", "side": "each"}


def test_a_swap_asks_whether_to_keep_the_note_written_for_the_old_exercise(staff_client, programme):
    response = swap(staff_client, programme)
    html = response.content.decode()

    assert NOTE in html
    assert "This note was written for Kneeling hip flexor stretch." in html
    assert "Keep this note" in html
    assert "Clear it" in html


def test_a_swap_without_a_note_asks_nothing(staff_client, programme):
    programme.items.update(note="")

    response = swap(staff_client, programme)

    assert "This note was written for" not in response.content.decode()


def answer(client, programme, swapped, button: str):
    """Press Keep this note or Clear it on the swapped row, posting the page as it stands."""
    form = swapped.context["formset"].forms[0]
    row = {name: form[name].value() for name in ("key", "exercise", "note", "note_for")}
    row |= {name: form[name].value() for name in programme.items.get().dose_values()}
    return client.post(
        edit_url(programme), builder_data(programme, f"{button}:{row['key']}", rows=[row])
    )


def saved_note_after(client, programme, response) -> str:
    form = response.context["formset"].forms[0]
    row = {name: form[name].value() for name in form.fields if name != "confirm"}
    client.post(edit_url(programme), builder_data(programme, rows=[row]))
    return programme.items.get().note


def test_saving_before_answering_the_note_question_is_refused(staff_client, programme):
    swapped = swap(staff_client, programme)
    form = swapped.context["formset"].forms[0]
    row = {name: form[name].value() for name in form.fields if name != "confirm"}

    response = staff_client.post(edit_url(programme), builder_data(programme, rows=[row]))

    assert response.status_code == 200
    assert (
        "This note was written for Kneeling hip flexor stretch: press Keep this note or Clear it."
        in (response.content.decode())
    )
    assert programme.items.get().exercise.name == "Kneeling hip flexor stretch"


def test_keep_this_note_keeps_it_for_the_new_exercise(staff_client, programme):
    kept = answer(staff_client, programme, swap(staff_client, programme), "keepnote")

    assert "This note was written for" not in kept.content.decode()
    assert saved_note_after(staff_client, programme, kept) == NOTE
    assert programme.items.get().exercise.name == "Seated hip flexor stretch"


def test_clear_it_saves_the_new_exercise_without_the_note(staff_client, programme):
    cleared = answer(staff_client, programme, swap(staff_client, programme), "clearnote")

    assert NOTE not in cleared.content.decode()
    assert saved_note_after(staff_client, programme, cleared) == ""
    assert programme.items.get().exercise.name == "Seated hip flexor stretch"
