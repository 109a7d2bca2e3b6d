"""The dose in plain words, as the patient reads it on the handout and the phone page."""

import itertools
import re
from types import SimpleNamespace

import pytest
import textstat

from exercises.dosing import dose_sentence
from exercises.models import Dose, check_dose
from patients.models import PrescriptionItem

NO_DOSE = {
    "sets": None,
    "reps": None,
    "reps_max": None,
    "hold": None,
    "hold_max": None,
    "hold_unit": "seconds",
    "side": "",
    "walk_minutes": None,
    "build_up_to": None,
    "times_per_day": None,
    "days_per_week": None,
    "load": "",
    "rest_seconds": None,
}


def dose(**values) -> SimpleNamespace:
    return SimpleNamespace(**{**NO_DOSE, **values})


def test_the_test_dose_has_every_dose_field():
    assert set(NO_DOSE) == set(Dose.DOSE_FIELDS)


# The table in ../shared/CLINICAL.md, row by row: the specification.
CLINICAL_TABLE = [
    (
        {"hold": 30, "sets": 3, "side": "each"},
        "Hold for 30 seconds. Do this 3 times on each side.",
    ),
    ({"hold": 30, "side": "each"}, "Hold for 30 seconds on each side."),
    ({"hold": 5, "hold_unit": "breaths"}, "Hold for 5 slow breaths."),
    (
        {"hold": 1, "hold_max": 3, "reps": 10, "side": "each"},
        "Hold for 1 to 3 seconds each time. Do this 10 times on each side.",
    ),
    ({"reps": 10, "sets": 3, "side": "both"}, "Do 3 sets of 10."),
    ({"reps": 10, "sets": 1, "side": "each"}, "Do this 10 times on each side."),
    ({"reps": 10, "sets": 2, "side": "each"}, "Do 2 sets of 10 on each side."),
    ({"reps": 10}, "Do this 10 times."),
    ({"hold": 5, "reps": 10, "sets": 3}, "Hold for 5 seconds each time. Do 3 sets of 10."),
    ({"reps": 10, "side": "alternating"}, "Do this 10 times in all, switching sides each time."),
    ({"reps": 10, "build_up_to": 15}, "Start with 10 times; build up to 15."),
    (
        {"reps": 10, "sets": 2, "rest_seconds": 30},
        "Do 2 sets of 10. Rest for 30 seconds between sets.",
    ),
    (
        {"hold": 10, "reps": 5, "rest_seconds": 30},
        "Hold for 10 seconds each time. Do this 5 times. Rest for 30 seconds before each hold.",
    ),
    ({"times_per_day": 1}, "Once a day, every day."),
    ({"times_per_day": 2, "days_per_week": 5}, "Twice a day, 5 days a week."),
    ({"days_per_week": 1}, "Once a week."),
    ({"times_per_day": 1, "days_per_week": 1}, "Once a week."),
    ({"days_per_week": 7}, "Do this every day."),
    ({"times_per_day": 2, "days_per_week": 7}, "Twice a day, every day."),
    ({"times_per_day": 3, "days_per_week": 3}, "3 times a day, 3 days a week."),
    ({"load": "light band"}, "Use a light band."),
    ({"walk_minutes": 10, "build_up_to": 30}, "Walk for 10 minutes; build up to 30 minutes."),
]


@pytest.mark.parametrize(("values", "expected"), CLINICAL_TABLE, ids=str)
def test_each_shape_in_the_clinical_table_reads_as_specified(values, expected):
    assert dose_sentence(dose(**values)) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, ""),
        ({"hold": 1}, "Hold for 1 second."),
        ({"hold": 60}, "Hold for 1 minute."),
        ({"hold": 90}, "Hold for 1 minute 30 seconds."),
        ({"hold": 30, "hold_max": 60}, "Hold for 30 to 60 seconds."),
        ({"hold": 60, "hold_max": 120}, "Hold for 1 to 2 minutes."),
        ({"hold": 1, "hold_unit": "breaths"}, "Hold for 1 slow breath."),
        ({"hold": 5, "hold_max": 10, "hold_unit": "breaths"}, "Hold for 5 to 10 slow breaths."),
        ({"hold": 5, "hold_unit": "minutes"}, "Hold for 5 minutes."),
        ({"hold": 1, "hold_unit": "minutes"}, "Hold for 1 minute."),
        ({"hold": 30, "side": "both"}, "Hold for 30 seconds."),
        ({"hold": 30, "sets": 1, "side": "each"}, "Hold for 30 seconds on each side."),
        (
            {"hold": 20, "build_up_to": 45, "side": "each"},
            "Hold for 20 seconds on each side; build up to 45 seconds.",
        ),
        (
            {"hold": 4, "build_up_to": 8, "hold_unit": "breaths"},
            "Hold for 4 slow breaths; build up to 8 breaths.",
        ),
        ({"reps": 1}, "Do this once."),
        ({"reps": 1, "side": "each"}, "Do this once on each side."),
        ({"reps": 1, "sets": 3}, "Do this 3 times."),
        ({"reps": 10, "reps_max": 15}, "Do this 10 to 15 times."),
        ({"reps": 10, "reps_max": 15, "sets": 2}, "Do 2 sets of 10 to 15."),
        ({"sets": 2}, "Do this 2 times."),
        ({"side": "each"}, "Do this on each side."),
        ({"side": "alternating"}, "Switch sides each time."),
        ({"side": "both"}, ""),
        ({"hold": 5, "reps": 1}, "Hold for 5 seconds."),
        (
            {"reps": 10, "build_up_to": 15, "sets": 3, "side": "each"},
            "Start with 3 sets of 10 on each side; build up to 3 sets of 15.",
        ),
        (
            {"reps": 10, "build_up_to": 20, "side": "alternating"},
            "Start with 10 times in all, switching sides each time; build up to 20.",
        ),
        (
            {"reps": 10, "sets": 3, "build_up_to": 20, "side": "alternating"},
            "Do 3 sets of 10 in all, switching sides each time. Build up to 3 sets of 20.",
        ),
        ({"reps": 1, "build_up_to": 5}, "Do this once at first; build up to 5 times."),
        (
            {"reps": 8, "sets": 2, "side": "alternating"},
            "Do 2 sets of 8 in all, switching sides each time.",
        ),
        (
            {"hold": 30, "sets": 3, "side": "alternating"},
            "Hold for 30 seconds. Do this 3 times on each side, switching sides each time.",
        ),
        (
            {"hold": 30, "sets": 3, "rest_seconds": 15},
            "Hold for 30 seconds. Do this 3 times. Rest for 15 seconds before each hold.",
        ),
        ({"reps": 10, "rest_seconds": 30}, "Do this 10 times. Rest for 30 seconds after each one."),
        ({"reps": 10, "load": "2 kg ankle weight."}, "Do this 10 times. Use a 2 kg ankle weight."),
        ({"load": "ankle weights"}, "Use ankle weights."),
        ({"load": "an orange band"}, "Use an orange band."),
        ({"load": "elastic band"}, "Use an elastic band."),
        ({"days_per_week": 5}, "Do this 5 days a week."),
        ({"times_per_day": 2, "days_per_week": 1}, "Twice a day, 1 day a week."),
    ],
    ids=str,
)
def test_other_shapes_read_naturally(values, expected):
    assert dose_sentence(dose(**values)) == expected


def test_the_handout_example_reads_as_designed():
    item = PrescriptionItem(hold=30, sets=3, side="each", times_per_day=1, days_per_week=5)

    assert dose_sentence(item) == (
        "Hold for 30 seconds. Do this 3 times on each side. Once a day, 5 days a week."
    )


NEVER_SAID = re.compile(
    r"\b(repetitions?|reps?|rounds?|1 set|both sides together|"
    r"1 (times|seconds|minutes|breaths|sets|days))\b"
)


def every_dose():
    """Every combination of the dose fields' telling values, kept to doses ``check_dose``
    lets a therapist save (a range goes up from its start; a build-up raises a figure)."""
    for (
        sets,
        (reps, reps_max),
        (hold, hold_max),
        unit,
        side,
        walk,
        build,
        per_day,
        per_week,
        load,
        rest,
    ) in itertools.product(
        [None, 1, 3],
        [(None, None), (1, None), (10, None), (10, 15)],
        [(None, None), (1, 3), (30, None), (90, None)],
        ["seconds", "breaths", "minutes"],
        ["", "each", "both", "alternating"],
        [None, 10],
        [None, 40],
        [None, 1, 2],
        [None, 1, 5, 7],
        ["", "light band"],
        [None, 30],
    ):
        values = dose(
            sets=sets,
            reps=reps,
            reps_max=reps_max,
            hold=hold,
            hold_max=hold_max,
            hold_unit=unit,
            side=side,
            walk_minutes=walk,
            build_up_to=build,
            times_per_day=per_day,
            days_per_week=per_week,
            load=load,
            rest_seconds=rest,
        )
        if not check_dose(values):
            yield values


def test_every_combination_says_every_figure_in_plain_grammar():
    checked = 0
    for values in every_dose():
        sentence = dose_sentence(values)
        context = f"{vars(values)} -> {sentence!r}"
        if not any(
            [values.sets and values.sets > 1, values.reps, values.hold, values.walk_minutes]
            + [values.side in ("each", "alternating"), values.times_per_day]
            + [values.days_per_week, values.load, values.rest_seconds]
        ):
            assert sentence == "", context
            continue
        assert sentence.endswith("."), context
        assert "  " not in sentence and ".." not in sentence and " ." not in sentence, context
        assert sentence[0].isupper() or sentence[0].isdigit(), context
        assert not NEVER_SAID.search(sentence), context
        for figure in (values.reps_max, values.hold_max, values.walk_minutes, values.build_up_to):
            if figure:
                assert str(figure) in sentence, context
        if values.reps and values.reps > 1:
            assert str(values.reps) in sentence, context
        if values.sets and values.sets > 1:
            assert f"{values.sets} " in sentence, context
        if values.hold:
            unit = {"breaths": "breath", "minutes": "minute"}.get(values.hold_unit, "")
            assert (unit or ("second" if values.hold < 60 else "minute")) in sentence, context
        if values.days_per_week == 7 or (values.times_per_day and not values.days_per_week):
            assert "every day" in sentence.lower(), context
        elif values.days_per_week and values.days_per_week > 1:
            assert f"{values.days_per_week} days a week" in sentence, context
        if values.side in ("each", "alternating") and (values.reps or values.hold):
            assert "each side" in sentence or "switching sides" in sentence, context
        if values.load:
            assert "Use a light band." in sentence, context
        if values.rest_seconds:
            assert "Rest for 30 seconds" in sentence, context
        checked += 1
    assert checked > 60_000


def test_every_dose_sentence_reads_at_grade_5_or_below():
    """Flesch-Kincaid grade (textstat) of every dose sentence a patient can read: the whole
    text of a dose, as the formula needs (on a two-word fragment such as "Every day." it
    gives 8.8, from "every" alone)."""
    sentences = {dose_sentence(values) for values in every_dose()} - {""}
    grades = {sentence: textstat.flesch_kincaid_grade(sentence) for sentence in sentences}
    hardest = max(grades, key=grades.get)
    print(f"{len(sentences)} sentences; the hardest, at grade {grades[hardest]:.1f}: {hardest}")

    assert len(sentences) > 10_000
    assert grades[hardest] <= 5, hardest
