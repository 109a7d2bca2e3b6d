"""A handout never contradicts its therapist: change any dose field of a programme's item,
and the printed PDF says the new figure, not the exercise's usual one.

The exercise's steps hold no figures (the library's rule), so the dose sentence is the
only place a figure can come from.
"""

import datetime

import pytest

from exercises.models import Dose
from patients import handouts
from tests.factories import ExerciseFactory, PrescriptionFactory, PrescriptionItemFactory
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db

# The exercise's usual dose, from which each case changes one field.
USUAL = {
    "sets": 3,
    "reps": 10,
    "hold": 5,
    "hold_unit": "seconds",
    "side": "each",
    "times_per_day": 1,
    "days_per_week": 5,
    "load": "light band",
    "rest_seconds": 30,
}

# (field, the item's value, what the PDF then says, what it said with the usual dose)
CHANGES = [
    ("sets", 4, "Do 4 sets of 10 on each side.", "Do 3 sets of 10 on each side."),
    ("reps", 12, "Do 3 sets of 12 on each side.", "Do 3 sets of 10 on each side."),
    ("reps_max", 15, "Do 3 sets of 10 to 15 on each side.", "Do 3 sets of 10 on each side."),
    ("hold", 8, "Hold for 8 seconds each time.", "Hold for 5 seconds each time."),
    ("hold_max", 10, "Hold for 5 to 10 seconds each time.", "Hold for 5 seconds each time."),
    ("hold_unit", "breaths", "Hold for 5 slow breaths each time.", "Hold for 5 seconds"),
    ("side", "both", "Do 3 sets of 10. ", "on each side"),
    ("walk_minutes", 20, "Walk for 20 minutes.", None),
    (
        "build_up_to",
        15,
        "Start with 3 sets of 10 on each side; build up to 3 sets of 15.",
        "Do 3 sets of 10 on each side.",
    ),
    ("times_per_day", 2, "Twice a day, 5 days a week.", "Once a day, 5 days a week."),
    ("days_per_week", 3, "Once a day, 3 days a week.", "Once a day, 5 days a week."),
    ("load", "red band", "Use a red band.", "Use a light band."),
    ("rest_seconds", 45, "Rest for 45 seconds between sets.", "Rest for 30 seconds"),
]


def test_every_dose_field_is_changed_by_one_case():
    assert {field for field, *_ in CHANGES} == set(Dose.DOSE_FIELDS)


@pytest.mark.parametrize(("field", "value", "says", "said"), CHANGES, ids=[c[0] for c in CHANGES])
def test_the_handout_prints_the_items_dose_not_the_exercises(
    clinic, therapist, field, value, says, said
):
    exercise = ExerciseFactory(
        clinic=clinic,
        name="Bridge",
        steps="Lie on your back with your knees bent.\nLift your hips, then lower them slowly.",
        **USUAL,
    )
    programme = PrescriptionFactory(patient__clinic=clinic, therapist=therapist)
    PrescriptionItemFactory(
        prescription=programme, exercise=exercise, order=0, **{**USUAL, field: value}
    )

    handout = handouts.render_handout(programme, issued_on=datetime.date(2026, 12, 3))
    text = pdf_text(handout.pdf)

    assert says in text
    if said is not None:
        assert said not in text
