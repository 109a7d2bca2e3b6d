"""How a dose's figures fit together (``check_dose``), asked the same in every form that
edits a dose: the exercise's usual dose, a protocol's row and a programme's row."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from exercises.models import Dose, check_dose
from patients.models import PrescriptionItem
from tests.factories import ExerciseFactory, PrescriptionFactory, PrescriptionItemFactory


def dose(**values) -> SimpleNamespace:
    return SimpleNamespace(**{**dict.fromkeys(Dose.DOSE_FIELDS), **values})


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({"hold": 1, "hold_max": 3}, {}),
        ({"reps": 10, "reps_max": 15}, {}),
        ({"reps": 10, "build_up_to": 15}, {}),
        ({"walk_minutes": 10, "build_up_to": 30}, {}),
        ({"hold": 20, "build_up_to": 45}, {}),
        ({"hold": 5, "reps": 10, "build_up_to": 15}, {}),  # the count grows; the hold stays
        ({"hold_max": 3}, {"hold_max": "Give the hold to start the range from as well."}),
        ({"reps_max": 15}, {"reps_max": "Give the repetitions to start the range from as well."}),
        ({"hold": 3, "hold_max": 3}, {"hold_max": "The top of the range must be more than 3."}),
        ({"reps": 15, "reps_max": 10}, {"reps_max": "The top of the range must be more than 15."}),
        (
            {"build_up_to": 15},
            {
                "build_up_to": "Give the repetitions, the walking minutes or the hold to build "
                "up from."
            },
        ),
        (
            {"reps": 10, "build_up_to": 10},
            {"build_up_to": "Build up to more than the 10 to start with."},
        ),
        (
            {"reps": 10, "reps_max": 15, "build_up_to": 20},
            {"build_up_to": "Give a range or a figure to build up to, not both."},
        ),
        (
            {"hold": 10, "hold_max": 20, "build_up_to": 30},
            {"build_up_to": "Give a range or a figure to build up to, not both."},
        ),
        (
            {"reps": 10, "hold": 1, "hold_max": 3, "build_up_to": 15},
            {},
        ),  # range of one, build of another
    ],
    ids=str,
)
def test_check_dose(values, problems):
    assert check_dose(dose(**values)) == problems


def one_row(programme, **row) -> dict:
    """The builder's Save with one exercise row, as the page posts it."""
    data = {
        "action": "save",
        "title": programme.title,
        "status": programme.status,
        "seen_revision": programme.revision,
        "items-TOTAL_FORMS": 1,
        "items-INITIAL_FORMS": 0,
        "items-0-position": 0,
        "items-0-hold_unit": "seconds",
    }
    return data | {f"items-0-{name}": value for name, value in row.items()}


@pytest.mark.django_db
def test_the_builder_refuses_a_range_that_goes_down_and_saves_nothing(client, clinic, therapist):
    programme = PrescriptionFactory(patient__clinic=clinic, therapist=therapist)
    item = PrescriptionItemFactory(
        prescription=programme, exercise=ExerciseFactory(clinic=clinic), order=0, reps=10
    )
    client.force_login(therapist)
    data = one_row(programme, key=f"item-{item.pk}", exercise=item.exercise_id, reps=10, reps_max=8)

    response = client.post(reverse("patients:programme_edit", args=[programme.pk]), data)

    assert "The top of the range must be more than 10." in response.content.decode()
    assert PrescriptionItem.objects.get(pk=item.pk).reps_max is None


@pytest.mark.django_db
def test_the_builder_saves_a_progression_and_reads_it_back(client, clinic, therapist):
    programme = PrescriptionFactory(patient__clinic=clinic, therapist=therapist)
    exercise = ExerciseFactory(clinic=clinic)
    client.force_login(therapist)
    data = one_row(programme, key="new-1", exercise=exercise.pk, reps=10, build_up_to=15)

    client.post(reverse("patients:programme_edit", args=[programme.pk]), data)
    page = client.get(reverse("patients:programme_detail", args=[programme.pk])).content.decode()

    saved = programme.items.get()
    assert (saved.reps, saved.build_up_to) == (10, 15)
    assert "Start with 10 times; build up to 15." in page
