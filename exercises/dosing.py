"""Doses in plain words: the sentence a patient reads on the handout and the web page.

Hold for 30 seconds. Do this 3 times on each side. Once a day, 5 days a week.
"""

SIDE_WORDS = {
    "each": "on each side",
    "both": "with both sides together",
    "alternating": "alternating sides",
}


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


def how_often_a_day(times: int) -> str:
    return {1: "Once a day", 2: "Twice a day"}.get(times, f"{times} times a day")


def days_a_week(days: int) -> str:
    return "every day" if days == 7 else f"{plural(days, 'day')} a week"


def dose_sentence(dose) -> str:
    """A dose (any object with the Dose fields) as short plain sentences; '' if it says nothing."""
    sets = getattr(dose, "sets", None)
    reps = getattr(dose, "reps", None)
    hold = getattr(dose, "hold", None)
    hold_unit = getattr(dose, "hold_unit", "") or "seconds"
    side = SIDE_WORDS.get(getattr(dose, "side", "") or "", "")
    times_per_day = getattr(dose, "times_per_day", None)
    days_per_week = getattr(dose, "days_per_week", None)
    load = (getattr(dose, "load", "") or "").strip()
    rest = getattr(dose, "rest_seconds", None)

    sentences = []
    if hold:
        held = plural(hold, "breath") if hold_unit == "breaths" else duration(hold)
        sentences.append(f"Hold for {held}.")
    sentences.append(repetitions(sets, reps, side, after_hold=bool(hold)))
    if load:
        sentences.append(f"Resistance: {load.rstrip('.')}.")
    if rest and sets and sets > 1:
        sentences.append(f"Rest {duration(rest)} between sets.")
    elif rest:
        sentences.append(f"Rest {duration(rest)} between rounds.")
    sentences.append(frequency(times_per_day, days_per_week))
    return " ".join(sentence for sentence in sentences if sentence)


def repetitions(sets: int | None, reps: int | None, side: str, *, after_hold: bool) -> str:
    """'Do this 3 times on each side.', 'Do 3 sets of 10 repetitions.', 'Do this on each side.'"""
    if reps:
        if after_hold:
            count = "once" if reps == 1 else f"{reps} times"
        else:
            count = plural(reps, "repetition")
        what = f"Do this {count}" if after_hold else f"Do {count}"
        if sets:
            what = (
                f"Do this {count}, {plural(sets, 'set')}"
                if after_hold
                else f"Do {plural(sets, 'set')} of {count}"
            )
    elif sets:
        what = f"Do {plural(sets, 'set')}"
    elif side:
        what = "Do this"
    else:
        return ""
    return f"{what} {side}.".replace(" .", ".")


def frequency(times_per_day: int | None, days_per_week: int | None) -> str:
    """'Once a day, 5 days a week.', 'Twice a day.', 'Do this 3 days a week.'"""
    if times_per_day and days_per_week:
        return f"{how_often_a_day(times_per_day)}, {days_a_week(days_per_week)}."
    if times_per_day:
        return f"{how_often_a_day(times_per_day)}."
    if days_per_week:
        return f"{days_a_week(days_per_week).capitalize()}."
    return ""
