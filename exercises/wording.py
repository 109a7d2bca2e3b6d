"""Where the figures a patient reads may live: in the dose, never in the words around it.

A step says what to do ("Hold the stretch, breathing slowly"); the dose says how long, how
many and how often. When a step says "Stay there for 30 seconds" and a therapist sets the
hold to 45, the handout prints both and the patient must guess. So the steps (and the
tips printed beside them) carry no dose figure, and a protocol's description, which
becomes a programme's general instructions, states neither a dose figure nor how many
exercises there are: a therapist who adds two more would otherwise leave "Five moves" wrong.

The rule, in words:

- A *dose figure* is a quantity followed, within a few words, by a dose unit: "30 seconds",
  "5 to 10 slow, deep breaths", "10-15 times", "a 30-second hold", "two sets", "3 rounds",
  "10 squeezes". A quantity is digits, a number word (one to twenty, thirty, forty, fifty,
  sixty, hundred), a range of those ("5 to 10", "10-15", "1–3", "4 or 5"), or a vague
  amount that still says how long or how many ("a few breaths", "several times").
- Frequency words are dose figures on their own: "twice", "once a day", "a day",
  "per week", "daily", "every day", "every other day", "each morning".
- So is counting out a hold ("count to 5", "count of ten") and a clinician's shorthand
  ("30s", "3x10", "x10").
- Between the quantity and the unit only describing words may stand ("slow", "deep",
  "more"). A small word that starts a new phrase ("at", "a", "the", "and", "your"...)
  ends the search, which is what keeps "one at a time", "one knee, then the other" and
  "one leg and then the other" allowed.
- Numbers that are not doses stay allowed: an angle ("90 degrees"), "two pillows",
  "step 2", "one leg", "one at a time".

Checking the shipped library and every clinic's exercises with the same function keeps the
rule in one place (see ``Exercise.clean``, ``Protocol.clean`` and ``exercises.library``).
"""

import re

from django.utils.translation import gettext, gettext_lazy

NUMBER_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "hundred",
]

_WORD_NUMBER = rf"(?:{'|'.join(NUMBER_WORDS)})(?:-(?:{'|'.join(NUMBER_WORDS)}))?"
_ONE_NUMBER = rf"(?:\d+(?:\.\d+)?|{_WORD_NUMBER}|half\s+an?|a\s+few|a\s+couple\s+of|several)"
# A range: "5 to 10", "10-15", "1–3", "4 or 5".
_QUANTITY = rf"{_ONE_NUMBER}(?:\s*(?:-|–|—|\bto\b|\bor\b)\s*{_ONE_NUMBER})?"

DOSE_UNITS = (
    "seconds?|secs?|minutes?|mins?|hours?|hrs?|days|weeks|breaths?|times|reps?|repetitions?|sets?|"
    "rounds?|squeezes|lifts|presses|raises|holds|pulses|bounces|counts?"
)

# Words that begin a new phrase. Meeting one means the number belongs to something else.
_PHRASE_BREAKS = {
    "a",
    "an",
    "the",
    "at",
    "of",
    "in",
    "on",
    "to",
    "for",
    "with",
    "from",
    "into",
    "onto",
    "by",
    "and",
    "or",
    "then",
    "but",
    "your",
    "you",
    "it",
    "its",
    "this",
    "that",
    "each",
    "other",
}
_BETWEEN = r"(?:[\s,-]+(?P<between>(?:[a-z]+[\s,-]+){0,3}?))"
_PERIOD = r"(?:day|week|morning|evening|night)"
# "a day" after a figure belongs to it: "3 times a day", "4 days a week" are one phrase.
_HOW_OFTEN = rf"(?:\s+(?:a|an|per|each|every)\s+{_PERIOD})?"

_DOSE_FIGURE = re.compile(
    rf"\b(?P<quantity>{_QUANTITY})(?:{_BETWEEN})(?P<unit>{DOSE_UNITS})\b{_HOW_OFTEN}",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    # "once" alone is "as soon as" ("Once you feel a stretch"); "once a day" is a dose.
    rf"\b(?:once\s+(?:a|an|per|each|every)\s+{_PERIOD}|(?:twice|thrice){_HOW_OFTEN}"
    rf"|(?:a|per|each|every|every\s+other)\s+{_PERIOD}"
    r"|daily|weekly|nightly)\b",
    re.IGNORECASE,
)
# A clinician's shorthand: "30s", "1-3 s", "3x10", "x10", "10x".
_SHORTHAND = re.compile(
    r"\b\d+(?:\s*(?:-|–|to)\s*\d+)?\s?s\b|\b\d+\s*x\s*\d+\b|\bx\s?\d+\b|\b\d+\s?x\b",
    re.IGNORECASE,
)
_COUNT_TO = re.compile(rf"\bcount(?:ing)?\s+(?:to|of)\s+{_QUANTITY}\b", re.IGNORECASE)

EXERCISE_WORDS = (
    "exercises?|moves?|movements?|stretches|stretch|poses?|positions?|drills?|activities"
)
_EXERCISE_COUNT = re.compile(
    rf"\b(?P<quantity>{_QUANTITY})(?:{_BETWEEN})(?P<unit>{EXERCISE_WORDS})\b", re.IGNORECASE
)


def _only_describing_words(match: re.Match) -> bool:
    between = re.split(r"[\s,-]+", match.group("between") or "")
    return not any(word.lower() in _PHRASE_BREAKS for word in between if word)


def _found(text: str, patterns: tuple[re.Pattern, ...]) -> list[str]:
    """The phrases the patterns match, in text order, leaving out any phrase that sits
    inside one already found ("a day" inside "once a day")."""
    spans = sorted(
        (match.start(), -match.end(), match.group(0))
        for pattern in patterns
        for match in pattern.finditer(text)
        if "between" not in pattern.groupindex or _only_describing_words(match)
    )
    phrases, reached = [], -1
    for _start, negative_end, phrase in spans:
        if -negative_end <= reached:
            continue
        phrases.append(phrase)
        reached = -negative_end
    return phrases


def dose_figures(text: str) -> list[str]:
    """The phrases in ``text`` that state a dose (how long, how many or how often), in the
    order they appear; empty when the text carries none. See the module's docstring."""
    return _found(text, (_DOSE_FIGURE, _FREQUENCY, _SHORTHAND, _COUNT_TO))


def exercise_counts(text: str) -> list[str]:
    """The phrases in ``text`` that count exercises ("Five moves", "ten floor stretches")."""
    return _found(text, (_EXERCISE_COUNT,))


def description_figures(text: str) -> list[str]:
    """What a protocol's description may not say: dose figures and counts of exercises."""
    return _found(text, (_DOSE_FIGURE, _FREQUENCY, _SHORTHAND, _COUNT_TO, _EXERCISE_COUNT))


def figures_in_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(line number from 1, phrase) for every dose figure in a list of steps or tips."""
    return [
        (number, phrase)
        for number, line in enumerate(lines, start=1)
        for phrase in dose_figures(line)
    ]


# What lines_problem says, for steps and for tips, in the reader's language.
LINE_SAYS = {
    "Step": gettext_lazy("Step %(number)s says “%(phrase)s”."),
    "Tip": gettext_lazy("Tip %(number)s says “%(phrase)s”."),
}
SAY_IT_IN_THE_DOSE = {
    "Step": gettext_lazy(
        "Say how long, how many and how often in the dose, not in the steps, so the "
        "handout never says two different things."
    ),
    "Tip": gettext_lazy(
        "Say how long, how many and how often in the dose, not in the tips, so the "
        "handout never says two different things."
    ),
}


def lines_problem(what: str, lines: list[str]) -> str:
    """What a person editing steps or tips is told; empty when the lines are fine.

    ``what`` is "Step" or "Tip": "Step 5 says “30 seconds”."
    """
    found = figures_in_lines(lines)
    if not found:
        return ""
    said = [LINE_SAYS[what] % {"number": number, "phrase": phrase} for number, phrase in found]
    return " ".join([*said, str(SAY_IT_IN_THE_DOSE[what])])


def description_problem(text: str) -> str:
    """What is wrong with a protocol description that states a dose or counts exercises."""
    found = description_figures(text)
    if not found:
        return ""
    said = ", ".join(f"“{phrase}”" for phrase in found)
    return gettext(
        "The description says %(said)s. It becomes the programme's general instructions, "
        "so leave out how many exercises there are and how long, how many or how often to "
        "do them: each exercise's dose says that."
    ) % {"said": said}
