"""The dose-figure rule: which words say how long, how many or how often (those belong in
the dose), and which numbers are only part of what to do."""

import pytest

from exercises.library import LIBRARY_FILE, read_library
from exercises.wording import dose_figures, exercise_counts

REFUSED = [
    ("Stay there for 30 seconds. Then do the other leg.", ["30 seconds"]),
    ("Take 5 to 10 slow, deep breaths.", ["5 to 10 slow, deep breaths"]),
    ("Hold it up for 1 to 3 seconds.", ["1 to 3 seconds"]),
    ("Hold 1–3 seconds.", ["1–3 seconds"]),
    ("Repeat 10-15 times.", ["10-15 times"]),
    ("Stay for four or five deep breaths.", ["four or five deep breaths"]),
    ("Breathe deeply for 30-60 seconds.", ["30-60 seconds"]),
    ("Relax and stay there for five minutes.", ["five minutes"]),
    ("Do a 30-second hold.", ["30-second"]),
    ("Do 10 squeezes. Rest, then do up to 2 more rounds.", ["10 squeezes", "2 more rounds"]),
    ("Do 10 lifts, then turn over.", ["10 lifts"]),
    ("Do three sets.", ["three sets"]),
    ("Aim for 12 reps.", ["12 reps"]),
    ("Take a few slow breaths.", ["a few slow breaths"]),
    ("Stay for half a minute.", ["half a minute"]),
    ("Hold for twenty-five seconds.", ["twenty-five seconds"]),
    ("You can do this once or twice a day.", ["twice a day"]),
    ("Do this 3 times a day.", ["3 times a day"]),
    ("Do this once a day.", ["once a day"]),
    ("Stretch daily.", ["daily"]),
    ("Do it every day.", ["every day"]),
    ("Rest every other day.", ["every other day"]),
    ("Do the set 4 days a week.", ["4 days a week"]),
    ("Hold and count to 5.", ["count to 5"]),
    ("Hold for a count of ten.", ["count of ten"]),
    ("Hold 30s.", ["30s"]),
    ("Do 3x10.", ["3x10"]),
]

ALLOWED = [
    "Bend your knee to 90 degrees.",
    "Make a 90-degree angle at the knee.",
    "Put two pillows under your knees.",
    "Go back to step 2 and breathe out.",
    "Lift one leg.",
    "Move one leg at a time.",
    "Do them one at a time.",
    "Bend one knee, then the other.",
    "Slide your knees apart, a little at a time.",
    "Once you feel a stretch, stop there.",
    "Take a deep breath in.",
    "Hold the stretch, breathing slowly.",
    "Hold it for a moment.",
    "Go down one knee at a time.",
    "Keep both feet flat and your toes forward.",
    "Sit on a chair 45 cm high.",
]


@pytest.mark.parametrize(("text", "phrases"), REFUSED)
def test_a_dose_figure_is_found(text, phrases):
    assert dose_figures(text) == phrases


@pytest.mark.parametrize("text", ALLOWED)
def test_a_number_that_is_not_a_dose_is_allowed(text):
    assert dose_figures(text) == []


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("Five moves that stretch the hip.", ["Five moves"]),
        ("Ten floor stretches that loosen the hips.", ["Ten floor stretches"]),
        ("Four easy stretches for people who sit a lot.", ["Four easy stretches"]),
        ("One stretch for each side of the hip.", ["One stretch"]),
        ("Stretches for each side of the hip.", []),
        ("They move the hip in each main direction.", []),
    ],
)
def test_a_count_of_exercises_is_found(text, phrases):
    assert exercise_counts(text) == phrases


# The shipped file ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def library():
    return read_library(LIBRARY_FILE)


def test_no_shipped_step_or_tip_carries_a_dose_figure(library):
    found = [
        (entry["slug"], line, dose_figures(line))
        for entry in library["exercises"]
        for line in entry["steps"] + entry.get("cues", [])
        if dose_figures(line)
    ]

    assert found == []


def test_no_shipped_protocol_states_a_dose_or_a_count_of_exercises(library):
    found = [
        (entry["slug"], text, dose_figures(text) + exercise_counts(text))
        for entry in library["protocols"]
        for text in [entry["description"]] + [item.get("note", "") for item in entry["items"]]
        if dose_figures(text) + exercise_counts(text)
    ]

    assert found == []


def test_no_shipped_protocol_name_counts_its_exercises(library):
    assert [e["name"] for e in library["protocols"] if exercise_counts(e["name"])] == []
