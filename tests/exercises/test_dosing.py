"""The dose in plain words, as the patient reads it on the handout and the web page."""

import itertools
import re
from types import SimpleNamespace

import pytest

from exercises.dosing import dose_sentence
from patients.models import PrescriptionItem


def dose(**values) -> SimpleNamespace:
    fields = {
        "sets": None,
        "reps": None,
        "hold": None,
        "hold_unit": "seconds",
        "side": "",
        "times_per_day": None,
        "days_per_week": None,
        "load": "",
        "rest_seconds": None,
    }
    return SimpleNamespace(**{**fields, **values})


def test_the_handout_example_reads_as_designed():
    item = PrescriptionItem(hold=30, reps=3, side="each", times_per_day=1, days_per_week=5)

    assert dose_sentence(item) == (
        "Hold for 30 seconds. Do this 3 times on each side. Once a day, 5 days a week."
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, ""),
        ({"hold": 30}, "Hold for 30 seconds."),
        ({"hold": 1}, "Hold for 1 second."),
        ({"hold": 60}, "Hold for 1 minute."),
        ({"hold": 90}, "Hold for 1 minute 30 seconds."),
        ({"hold": 120}, "Hold for 2 minutes."),
        ({"hold": 5, "hold_unit": "breaths"}, "Hold for 5 breaths."),
        ({"hold": 1, "hold_unit": "breaths"}, "Hold for 1 breath."),
        ({"reps": 10}, "Do 10 repetitions."),
        ({"reps": 1}, "Do 1 repetition."),
        ({"sets": 3, "reps": 10}, "Do 3 sets of 10 repetitions."),
        ({"sets": 2}, "Do 2 sets."),
        ({"sets": 1, "reps": 12}, "Do 1 set of 12 repetitions."),
        ({"hold": 5, "reps": 10}, "Hold for 5 seconds. Do this 10 times."),
        ({"hold": 5, "reps": 1}, "Hold for 5 seconds. Do this once."),
        ({"hold": 5, "reps": 10, "sets": 2}, "Hold for 5 seconds. Do this 10 times, 2 sets."),
        ({"reps": 10, "side": "each"}, "Do 10 repetitions on each side."),
        ({"reps": 8, "side": "alternating"}, "Do 8 repetitions alternating sides."),
        ({"hold": 20, "side": "both"}, "Hold for 20 seconds. Do this with both sides together."),
        ({"side": "each"}, "Do this on each side."),
        ({"times_per_day": 1}, "Once a day."),
        ({"times_per_day": 2}, "Twice a day."),
        ({"times_per_day": 3}, "3 times a day."),
        ({"days_per_week": 5}, "5 days a week."),
        ({"days_per_week": 1}, "1 day a week."),
        ({"days_per_week": 7}, "Every day."),
        ({"times_per_day": 2, "days_per_week": 7}, "Twice a day, every day."),
        ({"reps": 10, "load": "light band"}, "Do 10 repetitions. Resistance: light band."),
        (
            {"reps": 10, "load": "2 kg ankle weight."},
            "Do 10 repetitions. Resistance: 2 kg ankle weight.",
        ),
        (
            {"sets": 3, "reps": 10, "rest_seconds": 60},
            "Do 3 sets of 10 repetitions. Rest 1 minute between sets.",
        ),
        ({"reps": 10, "rest_seconds": 30}, "Do 10 repetitions. Rest 30 seconds between rounds."),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else None,
)
def test_each_shape_of_dose_reads_naturally(values, expected):
    assert dose_sentence(dose(**values)) == expected


GRAMMAR_SLIPS = re.compile(r"\b1 (times|seconds|minutes|breaths|repetitions|sets|days)\b")


def words_for_number(number: int) -> set[str]:
    return {str(number), *({1: ["Once", "once"], 2: ["Twice"]}.get(number, []))}


def test_every_combination_names_every_value_in_good_grammar():
    choices = itertools.product(
        [None, 1, 3],  # sets
        [None, 1, 10],  # reps
        [None, 1, 30, 90],  # hold
        ["seconds", "breaths"],
        ["", "each", "both", "alternating"],
        [None, 1, 2, 3],  # times per day
        [None, 1, 5, 7],  # days per week
        ["", "light band"],
        [None, 30],  # rest
    )
    checked = 0
    for sets, reps, hold, unit, side, per_day, per_week, load, rest in choices:
        values = {
            "sets": sets,
            "reps": reps,
            "hold": hold,
            "hold_unit": unit,
            "side": side,
            "times_per_day": per_day,
            "days_per_week": per_week,
            "load": load,
            "rest_seconds": rest,
        }
        sentence = dose_sentence(dose(**values))
        context = f"{values} -> {sentence!r}"
        says_something = any([sets, reps, hold, side, per_day, per_week, load, rest])
        if not says_something:
            assert sentence == "", context
            continue
        assert sentence.endswith("."), context
        assert "  " not in sentence and ".." not in sentence and " ." not in sentence, context
        assert not GRAMMAR_SLIPS.search(sentence), context
        assert sentence[0].isupper() or sentence[0].isdigit(), context
        for number in (sets, reps, per_day):
            if number:
                assert any(word in sentence for word in words_for_number(number)), context
        if hold:
            assert ("breath" if unit == "breaths" else "second" if hold < 60 else "minute") in (
                sentence
            ), context
        if per_week:
            assert (
                ("every day" in sentence.lower())
                if per_week == 7
                else (f"{per_week} day" in sentence)
            ), context
        if side:
            assert {"each": "each side", "both": "both sides", "alternating": "alternating"}[
                side
            ] in sentence, context
        if load:
            assert load in sentence, context
        if rest:
            assert "30 seconds between" in sentence, context
        checked += 1
    assert checked == 18_430  # every combination but the two empty ones (one per hold unit)
