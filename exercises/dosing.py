"""Doses in plain words: the sentence a patient reads on the handout and the phone page.

    Hold for 30 seconds. Do this 3 times on each side. Once a day, 5 days a week.

The dose is the only place a patient reads a figure (steps never hold one), so these
sentences must say every figure plainly and never leave a patient wondering what a word
means: no "repetitions", "reps" or "rounds", no "1 set", no "both sides together".
The table of every shape a dose takes, and what it reads as, is in ../shared/CLINICAL.md
and in tests/exercises/test_dosing.py.

Each language has its own writer, with its own grammar (exercises.dosing_es for Spanish;
tests/exercises/test_dosing_es.py is its table); what a dose means, whatever the
language, is decided once in exercises.dose_shape.
"""

import sys

from exercises import dosing_es
from exercises.dose_shape import (
    build_up,
    field,
    is_repeated,
    rest_when,
    says_every_day,
    sentences,
    sets_of,
    side_said_with_hold,
)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def duration(seconds: int) -> str:
    """'30 seconds', '1 minute', '1 minute 30 seconds'."""
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return plural(rest, "second")
    if not rest:
        return plural(minutes, "minute")
    return f"{plural(minutes, 'minute')} {plural(rest, 'second')}"


def span(low: int, high: int | None) -> str:
    """'10', or '10 to 15' for a range."""
    return f"{low} to {high}" if high else str(low)


def hold_length(hold: int, top: int | None, unit: str) -> str:
    """'30 seconds', '1 to 3 seconds', '5 to 10 slow breaths', '2 minutes'."""
    if unit == "breaths":
        return f"{span(hold, top)} slow breath{'s' if top or hold != 1 else ''}"
    if unit == "minutes":
        return f"{span(hold, top)} minute{'s' if top or hold != 1 else ''}"
    if top and hold % 60 == 0 and top % 60 == 0:
        return f"{hold // 60} to {top // 60} minutes"
    if top:
        return f"{hold} to {top} seconds"
    return duration(hold)


def times_a_day(times: int) -> str:
    return {1: "Once a day", 2: "Twice a day"}.get(times, f"{times} times a day")


def dose_sentence(dose, language: str = "en") -> str:
    """A dose (anything with the Dose fields) as short plain sentences in ``language`` (a
    code of settings.LANGUAGES; English for one without a writer); '' if it says nothing."""
    writer = WRITERS.get(language, english_dose_sentence)
    return writer(dose)


def english_dose_sentence(dose) -> str:
    """The dose in English (UK spelling, as the whole app), as CLINICAL.md section 1 specifies it."""
    return sentences(dose, sys.modules[__name__])


def walking(dose) -> str:
    """'Walk for 10 minutes; build up to 30 minutes.'"""
    minutes = field(dose, "walk_minutes")
    if not minutes:
        return ""
    target = build_up(dose, "walk_minutes")
    more = f"; build up to {plural(target, 'minute')}" if target else ""
    return f"Walk for {plural(minutes, 'minute')}{more}."


def holding(dose) -> str:
    """'Hold for 30 seconds on each side.', 'Hold for 1 to 3 seconds each time.'"""
    hold = field(dose, "hold")
    if not hold:
        return ""
    unit = field(dose, "hold_unit", "seconds")
    sentence = f"Hold for {hold_length(hold, field(dose, 'hold_max'), unit)}"
    if is_repeated(dose):
        sentence += " each time"
    elif side_said_with_hold(dose):
        sentence += " on each side"  # one hold a side: the side is said here, once
    target = build_up(dose, "hold")
    if target:
        sentence += f"; build up to {hold_length(target, None, unit).replace('slow ', '')}"
    return sentence + "."


def counting(dose) -> str:
    """How many times, in how many sets, on which side."""
    reps, sets, side = field(dose, "reps"), sets_of(dose), field(dose, "side", "")
    on_side = " on each side" if side == "each" else ""
    if is_repeated(dose) or build_up(dose, "reps"):
        return counting_repetitions(dose, reps, sets, side, on_side)
    if sets:  # sets of a single hold, or of a move done once
        where = {"each": on_side, "alternating": " on each side, switching sides each time"}
        return f"Do this {sets} times{where.get(side, '')}."
    if field(dose, "hold"):
        return ""  # a single hold: holding() said it all
    if reps == 1:
        return f"Do this once{' on each side' if side in ('each', 'alternating') else ''}."
    if side == "each":
        return "Do this on each side."
    if side == "alternating":
        return "Switch sides each time."
    return ""


def counting_repetitions(dose, reps: int, sets: int, side: str, on_side: str) -> str:
    """'Do 2 sets of 10 on each side.', 'Do this 10 times in all, switching sides each
    time.', 'Start with 10 times; build up to 15.'"""
    count = span(reps, field(dose, "reps_max"))
    target = build_up(dose, "reps")
    if side == "alternating":
        what = f"{sets} sets of {count} in all" if sets else f"{count} times in all"
        where = ", switching sides each time"
    else:
        what = f"{sets} sets of {count}" if sets else f"{count} times"
        where = on_side
    if target and sets and side == "alternating":  # in two sentences, to stay easy to read
        return f"Do {what}{where}. Build up to {sets} sets of {target}."
    if target:
        goal = f"{sets} sets of {target}" if sets else str(target)
        if not sets and reps == 1:
            return f"Do this once at first{where}; build up to {target} times."
        return f"Start with {what}{where}; build up to {goal}."
    return f"Do {what}{where}." if sets else f"Do this {what}{where}."


def load_sentence(load: str) -> str:
    """'Use a light band.', 'Use ankle weights.', 'Use a 2 kg weight.'"""
    load = load.rstrip(".").strip()
    if not load:
        return ""
    first = load.split()[0].lower()
    if first in ("a", "an", "the", "your", "some") or load.endswith("s"):
        return f"Use {load}."
    article = "an" if first[0] in "aeiou" else "a"
    return f"Use {article} {load}."


def resting(dose) -> str:
    """'Rest for 30 seconds between sets.', 'Rest for 30 seconds before each hold.'"""
    rest = field(dose, "rest_seconds")
    if not rest:
        return ""
    when = {
        "between_sets": "between sets",
        "before_each_hold": "before each hold",
        "after_each_one": "after each one",
    }[rest_when(dose)]
    return f"Rest for {duration(rest)} {when}."


def frequency(times_per_day: int | None, days_per_week: int | None) -> str:
    """'Once a day, every day.', 'Twice a day, 5 days a week.', 'Once a week.',
    'Do this every day.'"""
    if not times_per_day and not days_per_week:
        return ""
    if days_per_week == 1 and (times_per_day or 1) == 1:
        return "Once a week."
    days = (
        "every day" if says_every_day(days_per_week) else f"{plural(days_per_week, 'day')} a week"
    )
    if not times_per_day:
        return f"Do this {days}."
    return f"{times_a_day(times_per_day)}, {days}."


WRITERS = {"en": english_dose_sentence, "es": dosing_es.dose_sentence}


def without_a_dose(items) -> list[str]:
    """The names of the items (protocol or programme rows) whose dose says nothing to the
    patient: no sentence at all, so a handout would print no amount."""
    return [item.exercise.name for item in items if not dose_sentence(item)]
