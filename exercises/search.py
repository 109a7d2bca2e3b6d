"""How the exercise search reads what a therapist or a patient types.

``ExerciseQuerySet.search`` (exercises/models.py) is the one search: the library page, the
builder's finder and the admin call it. This module holds what it needs to know about
words, as data, so that a new synonym is one line here and nowhere else:

- ``SAME_MEANING``: groups of words people use for the same thing ("bottom", "buttock",
  "glutes"). Typing any word of a group looks for every word of it.
- ``LEADS_TO``: a word that names a complaint rather than a move, and the words found in
  the names and purposes of the moves used for it. "sciatica" is leg pain from an irritated
  sciatic nerve: it finds the nerve glides and what is written for sciatic pain.
- ``POSITION_PHRASES``: everyday ways of naming a body position ("on your back"), which
  find exercises done in that position rather than the words themselves.
- ``FILLER``: small words ignored when typed on their own ("stretch for the buttock").

A phrase (any key or word of these lists with a space in it) is read as one term before the
rest of the text is split into words, so "back of the thigh" is one term, not four. A word
ending in "s" also looks for itself without the "s" ("glutes", "hamstrings").
"""

from dataclasses import dataclass

SAME_MEANING: tuple[tuple[str, ...], ...] = (
    ("buttock", "bottom", "bum", "glute", "gluteal"),
    ("tummy", "stomach", "belly", "core", "abdominal", "abs"),
    ("hamstring", "back of the thigh", "back of thigh", "back of the leg"),
    ("front of the thigh", "front of thigh", "quadriceps", "quads"),
    ("inner thigh", "groin", "adductor"),
    ("outer hip", "side of the hip", "abductor"),
    ("lower back", "low back", "lumbar"),
    ("calf", "calves"),
    ("bridge", "bridging"),
    ("press-up", "press up", "push-up", "push up"),
    ("sit-to-stand", "sit to stand", "chair stand"),
    ("knee-to-chest", "knee to chest", "knee hug"),
    ("nerve glide", "nerve slider", "nerve floss"),
)

LEADS_TO: dict[str, tuple[str, ...]] = {
    "sciatica": ("sciatic", "nerve"),
}

# Values of exercises.models.Position (kept as strings: the models import this module).
POSITION_PHRASES: dict[str, tuple[str, ...]] = {
    "lying down": ("supine", "side_lying", "prone"),
    "on your back": ("supine",),
    "on my back": ("supine",),
    "on your side": ("side_lying",),
    "on my side": ("side_lying",),
    "face down": ("prone",),
    "on your front": ("prone",),
    "on your tummy": ("prone",),
    "on your stomach": ("prone",),
    "all fours": ("all_fours",),
    "hands and knees": ("all_fours",),
}

FILLER = frozenset(
    {"a", "an", "and", "at", "for", "in", "my", "of", "on", "the", "to", "with", "your"}
)

# A kind or position is named by its first letters ("sit" for sitting), but two letters
# name too much ("st": stretch, strengthening, standing).
SHORTEST_CHOICE_WORD = 3


@dataclass(frozen=True)
class Term:
    """One thing the exercise must match: a word or phrase as typed, the words it stands
    for (looked for in names, purposes, muscles, body areas and equipment), and the body
    positions it names."""

    typed: str
    words: tuple[str, ...]
    positions: tuple[str, ...] = ()


def _synonyms() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for group in SAME_MEANING:
        for word in group:
            found[word] = group
    for word, leads in LEADS_TO.items():
        found[word] = (word, *leads)
    return found


SYNONYMS = _synonyms()
PHRASES = sorted(
    {p for p in [*SYNONYMS, *POSITION_PHRASES] if " " in p},
    key=lambda phrase: -len(phrase.split()),
)


def _term(typed: str) -> Term:
    if typed in POSITION_PHRASES:
        return Term(typed, (), POSITION_PHRASES[typed])
    forms = [typed]
    if len(typed) > 3 and typed.endswith("s") and not typed.endswith("ss"):
        forms.append(typed[:-1])
    words = dict.fromkeys(word for form in forms for word in SYNONYMS.get(form, (form,)))
    return Term(typed, tuple(dict.fromkeys([typed, *words])))


def read_terms(text: str) -> list[Term]:
    """The terms in what was typed, each once, in order: known phrases first, then words,
    without filler words."""
    tokens = text.lower().split()
    terms: list[Term] = []
    index = 0
    while index < len(tokens):
        for phrase in PHRASES:
            size = len(phrase.split())
            if " ".join(tokens[index : index + size]) == phrase:
                terms.append(_term(phrase))
                index += size
                break
        else:
            if tokens[index] not in FILLER:
                terms.append(_term(tokens[index]))
            index += 1
    return list(dict.fromkeys(terms))


def choices_named(term: Term, choices) -> list[str]:
    """The values among ``choices`` (a TextChoices' ``choices``) that the typed word names:
    its label or value starts with the word ("sit" for Sitting, "supine"), or the word
    starts with the value ("stretches")."""
    typed = term.typed
    if len(typed) < SHORTEST_CHOICE_WORD or " " in typed:
        return []
    return [
        value
        for value, label in choices
        if label.lower().startswith(typed)
        or value.replace("_", " ").startswith(typed)
        or typed.startswith(value)
    ]


def labels_containing(term: Term, choices) -> list[str]:
    """The values among ``choices`` whose label holds one of the term's words (a body area:
    "back" for Lower back, "glute" for Glutes and hip extensors)."""
    return [
        value
        for value, label in choices
        if any(len(word) >= SHORTEST_CHOICE_WORD and word in label.lower() for word in term.words)
    ]
