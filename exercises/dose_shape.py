"""What a dose holds, whatever language it is read in.

The writers of the dose sentence (exercises.dosing for English, exercises.dosing_es for
Spanish) phrase the same decisions: which figures are worth saying, what a build-up
raises, when the rest comes. Those decisions live here once, so the languages never
disagree about what a dose means.
"""

from exercises.models import progressed_figure


def sentences(dose, writer) -> str:
    """The dose as one language's ``writer`` module says it: its sentences in the one order
    every language keeps (walking, holding, counting, load, rest, how often), those that
    say something, as one text."""
    return " ".join(
        sentence
        for sentence in (
            writer.walking(dose),
            writer.holding(dose),
            writer.counting(dose),
            writer.load_sentence(field(dose, "load", "").strip()),
            writer.resting(dose),
            writer.frequency(field(dose, "times_per_day"), field(dose, "days_per_week")),
        )
        if sentence
    )


def field(dose, name: str, default=None):
    return getattr(dose, name, default) or default


def is_repeated(dose) -> bool:
    """A count of more than one: the hold (if any) is done again and again."""
    reps = field(dose, "reps")
    return bool(reps and (reps > 1 or field(dose, "reps_max")))


def sets_of(dose) -> int:
    """The number of sets worth saying: one set is never said."""
    sets = field(dose, "sets")
    return sets if sets and sets > 1 else 0


def build_up(dose, figure: str) -> int | None:
    """The target to build up to, when it raises ``figure``."""
    target = field(dose, "build_up_to")
    return target if target and progressed_figure(dose) == figure else None


def side_said_with_hold(dose) -> bool:
    """One hold a side (no count, no sets): the side is said with the hold, once."""
    return (
        not is_repeated(dose)
        and not sets_of(dose)
        and field(dose, "side", "") in ("each", "alternating")
    )


def rest_when(dose) -> str:
    """When the rest comes: 'between_sets', 'before_each_hold' or 'after_each_one'."""
    if sets_of(dose) and field(dose, "reps"):
        return "between_sets"
    if field(dose, "hold") and (is_repeated(dose) or sets_of(dose)):
        return "before_each_hold"
    return "after_each_one"


def says_every_day(days_per_week: int | None) -> bool:
    return days_per_week in (None, 7)
