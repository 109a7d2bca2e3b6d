"""The dose sentence in Spanish, written with Spanish grammar (not the English translated
word for word):

    Mantenga la posición durante 30 segundos. Hágalo 3 veces de cada lado.
    Una vez al día, 5 días a la semana.

It follows CLINICAL.md section 1 as the English does (exercises.dosing), in the plain
words a patient uses, addressed as "usted": a count is "veces" ("Hágalo 10 veces"), a set
is a "tanda" ("Haga 3 tandas de 10 veces"); never the clinic's "repeticiones" or "series",
never "1 tanda". A build-up reads "aumente poco a poco hasta". What a dose means (which
figures are said, when the rest comes) is decided in exercises.dose_shape, once for
every language. The table is tests/exercises/test_dosing_es.py.
"""

import sys

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

HOLD_UNITS = {
    # unit: (one, many)
    "seconds": ("segundo", "segundos"),
    "breaths": ("respiración lenta", "respiraciones lentas"),
    "minutes": ("minuto", "minutos"),
}


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def duration(seconds: int) -> str:
    """'30 segundos', '1 minuto', '1 minuto y 30 segundos'."""
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return plural(rest, "segundo", "segundos")
    if not rest:
        return plural(minutes, "minuto", "minutos")
    return f"{plural(minutes, 'minuto', 'minutos')} y {plural(rest, 'segundo', 'segundos')}"


def hold_length(hold: int, top: int | None, unit: str) -> str:
    """'durante 30 segundos', 'de 1 a 3 segundos', 'de 5 a 10 respiraciones lentas'."""
    one, many = HOLD_UNITS.get(unit, HOLD_UNITS["seconds"])
    if top and unit == "seconds" and hold % 60 == 0 and top % 60 == 0:
        return f"de {hold // 60} a {top // 60} minutos"
    if top:
        return f"de {hold} a {top} {many}"
    if unit == "seconds":
        return f"durante {duration(hold)}"
    return f"durante {plural(hold, one, many)}"


def target_length(target: int, unit: str) -> str:
    """The hold a build-up aims at: '45 segundos', '8 respiraciones' (no "lentas" again)."""
    if unit == "breaths":
        return plural(target, "respiración", "respiraciones")
    if unit == "minutes":
        return plural(target, "minuto", "minutos")
    return duration(target)


def times(count: int) -> str:
    """'una vez', '10 veces'."""
    return "una vez" if count == 1 else f"{count} veces"


def span(low: int, high: int | None) -> str:
    """'10', or '10 a 15' for a range (after "de")."""
    return f"{low} a {high}" if high else str(low)


def dose_sentence(dose) -> str:
    """A dose (anything with the Dose fields) in plain Spanish; '' if it says nothing."""
    return sentences(dose, sys.modules[__name__])


def walking(dose) -> str:
    """'Camine 10 minutos; aumente poco a poco hasta 30 minutos.'"""
    minutes = field(dose, "walk_minutes")
    if not minutes:
        return ""
    target = build_up(dose, "walk_minutes")
    more = f"; aumente poco a poco hasta {plural(target, 'minuto', 'minutos')}" if target else ""
    return f"Camine {plural(minutes, 'minuto', 'minutos')}{more}."


def holding(dose) -> str:
    """'Mantenga la posición durante 30 segundos de cada lado.', 'Mantenga la posición
    de 1 a 3 segundos cada vez.'"""
    hold = field(dose, "hold")
    if not hold:
        return ""
    unit = field(dose, "hold_unit", "seconds")
    sentence = f"Mantenga la posición {hold_length(hold, field(dose, 'hold_max'), unit)}"
    if is_repeated(dose):
        sentence += " cada vez"
    elif side_said_with_hold(dose):
        sentence += " de cada lado"
    target = build_up(dose, "hold")
    if target:
        sentence += f"; aumente poco a poco hasta {target_length(target, unit)}"
    return sentence + "."


def counting(dose) -> str:
    """How many times, in how many sets ("tandas"), on which side."""
    reps, sets, side = field(dose, "reps"), sets_of(dose), field(dose, "side", "")
    on_side = " de cada lado" if side == "each" else ""
    if is_repeated(dose) or build_up(dose, "reps"):
        return counting_repetitions(dose, reps, sets, side, on_side)
    if sets:  # sets of a single hold, or of a move done once
        where = {"each": on_side, "alternating": " de cada lado, cambiando de lado cada vez"}
        return f"Hágalo {sets} veces{where.get(side, '')}."
    if field(dose, "hold"):
        return ""  # a single hold: holding() said it all
    if reps == 1:
        return f"Hágalo una vez{' de cada lado' if side in ('each', 'alternating') else ''}."
    if side == "each":
        return "Hágalo de cada lado."
    if side == "alternating":
        return "Cambie de lado cada vez."
    return ""


def counting_repetitions(dose, reps: int, sets: int, side: str, on_side: str) -> str:
    """'Haga 2 tandas de 10 veces de cada lado.', 'Hágalo 10 veces en total, cambiando de
    lado cada vez.', 'Empiece con 10 veces; aumente poco a poco hasta 15.'"""
    reps_max = field(dose, "reps_max")
    count = f"de {span(reps, reps_max)} veces" if reps_max else times(reps)
    per_set = "1 vez" if reps == 1 and not reps_max else f"{span(reps, reps_max)} veces"
    what = f"{sets} tandas de {per_set}" if sets else count
    target = build_up(dose, "reps")
    if side == "alternating":
        what += " en total"
        where = ", cambiando de lado cada vez"
    else:
        where = on_side
    if target and sets and side == "alternating":  # in two sentences, to stay easy to read
        return f"Haga {what}{where}. Aumente poco a poco hasta {sets} tandas de {target} veces."
    if target:
        goal = f"{sets} tandas de {target} veces" if sets else str(target)
        if not sets and reps == 1:
            return f"Hágalo una vez al principio{where}; aumente poco a poco hasta {target} veces."
        return f"Empiece con {what}{where}; aumente poco a poco hasta {goal}."
    return f"Haga {what}{where}." if sets else f"Hágalo {what}{where}."


def load_sentence(load: str) -> str:
    """'Use una banda elástica suave.': the load as the therapist wrote it, after "Use".

    Spanish articles follow the noun's gender, which no rule can guess from free text:
    a therapist writes the load for a Spanish handout with its article
    ("una banda elástica suave", "tobilleras con peso de 1 kg").
    """
    load = load.rstrip(".").strip()
    return f"Use {load}." if load else ""


def resting(dose) -> str:
    """'Descanse 30 segundos entre tandas.', '... antes de cada una.', '... después de
    cada una.' ("una": each of the times the sentence before counted)."""
    rest = field(dose, "rest_seconds")
    if not rest:
        return ""
    when = {
        "between_sets": "entre tandas",
        "before_each_hold": "antes de cada una",
        "after_each_one": "después de cada una",
    }[rest_when(dose)]
    return f"Descanse {duration(rest)} {when}."


def times_a_day(count: int) -> str:
    return {1: "Una vez al día", 2: "Dos veces al día"}.get(count, f"{count} veces al día")


def frequency(times_per_day: int | None, days_per_week: int | None) -> str:
    """'Una vez al día, todos los días.', 'Dos veces al día, 5 días a la semana.',
    'Una vez a la semana.', 'Hágalo todos los días.'"""
    if not times_per_day and not days_per_week:
        return ""
    if days_per_week == 1 and (times_per_day or 1) == 1:
        return "Una vez a la semana."
    if says_every_day(days_per_week):
        days = "todos los días"
    else:
        days = f"{plural(days_per_week, 'día', 'días')} a la semana"
    if not times_per_day:
        return f"Hágalo {days}."
    return f"{times_a_day(times_per_day)}, {days}."
