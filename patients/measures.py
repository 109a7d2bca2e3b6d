"""Outcome measures as data: definition files, their checks, scoring and meaningful change.

A measure is a TOML file (the shipped ones in patients/data/measures/, CLINICAL.md
section 7): its name, what the patient reads first, its questions (``items``, each
answered on the scale) or, for a patient-specific scale, the ``activities`` the
patient names once and rates at every later answer; the answer ``scale``; how the
``score`` is made (the mean or the sum of the answers); which way is ``better``; the
``meaningful_change`` (in points, and for pain also as a percentage); whether change is
read against the first answer (``compare = "baseline"``) or the score is itself a
rating of change (``"itself"``, the Global Rating of Change); a citation and a licence
note. ``definition_from`` checks a file's data and names the file and the field for
anything wrong; ``load_measures`` (the management command) loads the files.

What the patient reads (the intro, the questions, the scale's words) may be given in
other languages under ``[translations.<language>]``, each giving every one of those texts
(``patient_texts``); ``in_language`` puts a language's words in place of the original's.
"""

import copy
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

MEASURES_FOLDER = Path(__file__).resolve().parent / "data" / "measures"

KINDS = ("items", "activities")
SCORES = ("mean", "sum")
BETTER = ("higher", "lower")
COMPARE = ("baseline", "itself")
REQUIRED_TEXT = ("slug", "name", "short_name", "intro", "citation", "licence")
TOP_LEVEL = {
    *REQUIRED_TEXT,
    "version",
    "kind",
    "score",
    "better",
    "compare",
    "meaningful_change",
    "meaningful_percent",
    "loinc",
    "scale",
    "items",
    "activities",
    "translations",
}
# The longest activity a patient may name, in characters.
ACTIVITY_LENGTH = 80


class MeasureError(ValueError):
    """A definition (or an answer) that cannot be used; the message names where and what."""


@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    low_label: str
    high_label: str
    labels: dict[int, str]

    @property
    def points(self) -> range:
        return range(self.low, self.high + 1)

    def label(self, value: int) -> str:
        """What a point on the scale says: its own label, else the end's, else the number."""
        if value in self.labels:
            return self.labels[value]
        return {self.low: self.low_label, self.high: self.high_label}.get(value, str(value))


@dataclass(frozen=True)
class Item:
    key: str
    question: str


@dataclass(frozen=True)
class Activities:
    fewest: int
    most: int
    name_question: str
    rating_question: str


@dataclass(frozen=True)
class Definition:
    slug: str
    name: str
    short_name: str
    version: int
    intro: str
    kind: str
    score: str
    better: str
    compare: str
    meaningful_change: Decimal
    meaningful_percent: Decimal | None
    loinc: str
    citation: str
    licence: str
    scale: Scale
    items: tuple[Item, ...]
    activities: Activities | None


# --- Reading and checking a definition -------------------------------------------------------


def read_definition(path: Path) -> tuple[Definition, dict]:
    """The checked definition in ``path`` and the file's data; MeasureError naming the file
    and the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise MeasureError(f"{path.name}: not valid TOML ({error})") from error
    return definition_from(data, path.name), data


def definition_from(data: dict, where: str) -> Definition:
    """Check a definition's data (from a file, or as stored on a Measure) and build it."""
    check = _Check(where)
    unknown = sorted(set(data) - TOP_LEVEL)
    if unknown:
        check.fail(unknown[0], "is not a field a measure has")
    for name in REQUIRED_TEXT:
        check.text(data, name)
    kind = check.choice(data, "kind", KINDS)
    scale = check.scale(data.get("scale"))
    meaningful_percent = data.get("meaningful_percent")
    definition = Definition(
        slug=data["slug"],
        name=data["name"],
        short_name=data["short_name"],
        version=check.whole(data, "version", low=1),
        intro=data["intro"],
        kind=kind,
        score=check.choice(data, "score", SCORES),
        better=check.choice(data, "better", BETTER),
        compare=check.choice(data, "compare", COMPARE),
        meaningful_change=check.positive(data, "meaningful_change"),
        meaningful_percent=(
            None if meaningful_percent is None else check.positive(data, "meaningful_percent")
        ),
        loinc=check.optional_text(data, "loinc"),
        citation=data["citation"],
        licence=data["licence"],
        scale=scale,
        items=check.items(data.get("items"), required=kind == "items"),
        activities=check.activities(data.get("activities"), required=kind == "activities"),
    )
    check.translations(data)  # once the original is known to be whole
    return definition


# --- What the patient reads, in their language -------------------------------------------


def patient_texts(data: dict) -> dict[str, str]:
    """Every text of a definition the patient reads, by a path naming where it sits:
    "intro", "scale.low_label", "scale.labels.3", "items.pain", "activities.name_question"."""
    texts = {"intro": data.get("intro")}
    scale = data.get("scale") or {}
    for name in ("low_label", "high_label"):
        texts[f"scale.{name}"] = scale.get(name)
    for point, label in (scale.get("labels") or {}).items():
        texts[f"scale.labels.{point}"] = label
    for item in data.get("items") or []:
        texts[f"items.{item.get('key')}"] = item.get("question")
    activities = data.get("activities") or {}
    for name in ("name_question", "rating_question"):
        if name in activities:
            texts[f"activities.{name}"] = activities[name]
    return texts


def in_language(data: dict, language: str) -> dict:
    """The definition's data with what the patient reads in ``language``, where the file
    gives it (a checked definition gives all of it or none); the original otherwise."""
    words = (data.get("translations") or {}).get(language)
    if not words:
        return data
    translated = copy.deepcopy(data)
    translated["intro"] = words["intro"]
    scale = translated["scale"]
    scale.update({name: words["scale"][name] for name in ("low_label", "high_label")})
    if "labels" in scale:
        scale["labels"] = dict(words["scale"]["labels"])
    for item in translated.get("items") or []:
        item["question"] = words["items"][item["key"]]
    if "activities" in translated:
        translated["activities"].update(words["activities"])
    return translated


def translated_texts(words: dict) -> dict[str, str]:
    """A translation's texts by the same paths as ``patient_texts``."""
    texts = {"intro": words.get("intro")}
    scale = words.get("scale") or {}
    for name in ("low_label", "high_label"):
        texts[f"scale.{name}"] = scale.get(name)
    for point, label in (scale.get("labels") or {}).items():
        texts[f"scale.labels.{point}"] = label
    for key, question in (words.get("items") or {}).items():
        texts[f"items.{key}"] = question
    for name, text in (words.get("activities") or {}).items():
        texts[f"activities.{name}"] = text
    return texts


class _Check:
    def __init__(self, where: str):
        self.where = where

    def fail(self, field: str, problem: str):
        raise MeasureError(f"{self.where}: field '{field}' {problem}")

    def text(self, data: dict, name: str, prefix: str = "") -> str:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            self.fail(prefix + name, "is missing or empty (text)")
        return value.strip()

    def optional_text(self, data: dict, name: str) -> str:
        value = data.get(name, "")
        if not isinstance(value, str):
            self.fail(name, "must be text")
        return value

    def choice(self, data: dict, name: str, choices: tuple[str, ...]) -> str:
        value = data.get(name)
        if value not in choices:
            self.fail(name, f"is {value!r}: it must be one of {', '.join(choices)}")
        return value

    def whole(self, data: dict, name: str, *, low: int | None = None, prefix: str = "") -> int:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(prefix + name, "must be a whole number")
        if low is not None and value < low:
            self.fail(prefix + name, f"is {value}: it must be at least {low}")
        return value

    def positive(self, data: dict, name: str) -> Decimal:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self.fail(name, "must be a number above 0")
        return Decimal(str(value))

    def translations(self, data: dict) -> None:
        """Each language gives every text the patient reads, and nothing else."""
        from django.conf import settings  # measures.py is read before Django is set up too

        languages = {code for code, _name in settings.LANGUAGES} - {"en"}
        wanted = {path for path, text in patient_texts(data).items() if text is not None}
        for language, words in self.table(data.get("translations", {}), "translations").items():
            where = f"translations.{language}"
            if language not in languages:
                self.fail(
                    where, f"is not one of the app's languages ({', '.join(sorted(languages))})"
                )
            given = translated_texts(self.table(words, where))
            for path in sorted(wanted - set(given)):
                self.fail(f"{where}.{path}", "is missing: give every text the patient reads")
            for path in sorted(set(given) - wanted):
                self.fail(f"{where}.{path}", "is not a text of this measure")
            for path, text in given.items():
                if not isinstance(text, str) or not text.strip():
                    self.fail(f"{where}.{path}", "is empty")

    def table(self, value, name: str) -> dict:
        if not isinstance(value, dict):
            self.fail(name, "is missing (a table)")
        return value

    def scale(self, scale) -> Scale:
        scale = self.table(scale, "scale")
        low = self.whole(scale, "low", prefix="scale.")
        high = self.whole(scale, "high", prefix="scale.")
        if high <= low:
            self.fail("scale.high", f"is {high}: it must be above scale.low ({low})")
        labels = {}
        for point in self.table(scale.get("labels", {}), "scale.labels"):
            try:
                value = int(point)
            except ValueError:
                value = None
            if value is None or not low <= value <= high:
                self.fail(f"scale.labels.{point}", f"is not a point from {low} to {high}")
            labels[value] = self.text(scale["labels"], point, "scale.labels.")
        return Scale(
            low=low,
            high=high,
            low_label=self.text(scale, "low_label", "scale."),
            high_label=self.text(scale, "high_label", "scale."),
            labels=labels,
        )

    def items(self, items, *, required: bool) -> tuple[Item, ...]:
        if not required:
            if items:
                self.fail("items", 'is for kind = "items" only')
            return ()
        if not isinstance(items, list) or not items:
            self.fail("items", "is missing: at least one [[items]] with a key and a question")
        keys = set()
        built = []
        for number, item in enumerate(items, start=1):
            where = f"items[{number}]."
            item = self.table(item, f"items[{number}]")
            key = self.text(item, "key", where)
            if key in keys:
                self.fail(f"{where}key", f"{key!r} is used twice")
            keys.add(key)
            built.append(Item(key=key, question=self.text(item, "question", where)))
        return tuple(built)

    def activities(self, activities, *, required: bool) -> Activities | None:
        if not required:
            if activities:
                self.fail("activities", 'is for kind = "activities" only')
            return None
        activities = self.table(activities, "activities")
        fewest = self.whole(activities, "fewest", low=1, prefix="activities.")
        most = self.whole(activities, "most", low=fewest, prefix="activities.")
        return Activities(
            fewest=fewest,
            most=most,
            name_question=self.text(activities, "name_question", "activities."),
            rating_question=self.text(activities, "rating_question", "activities."),
        )


# --- Answers and scores ----------------------------------------------------------------------


def checked_answers(
    definition: Definition, answers: dict, activities: list[str] | None = None
) -> dict:
    """An answer's values, checked against the definition, in the stored form.

    Items: ``{"items": {key: point}}``, every item answered. Activities: ``{"activities":
    [[name, point], ...]}``, from ``fewest`` to ``most`` names; when ``activities`` (the
    names the patient gave first) is given, exactly those, in that order: later answers
    rate the same activities, so their scores compare.
    """
    scale = definition.scale
    if definition.kind == "items":
        given = answers.get("items", {})
        values = {}
        for item in definition.items:
            point = given.get(item.key)
            if isinstance(point, bool) or not isinstance(point, int) or point not in scale.points:
                raise MeasureError(
                    f"{definition.slug}: '{item.key}' needs an answer from "
                    f"{scale.low} to {scale.high}"
                )
            values[item.key] = point
        return {"items": values}
    rated = answers.get("activities", [])
    names = [str(name).strip() for name, _point in rated]
    if activities is not None and names != list(activities):
        raise MeasureError(f"{definition.slug}: the activities must be the ones named first")
    fewest, most = definition.activities.fewest, definition.activities.most
    if not fewest <= len(names) <= most:
        raise MeasureError(f"{definition.slug}: name from {fewest} to {most} activities")
    for name, point in rated:
        if not str(name).strip() or len(str(name).strip()) > ACTIVITY_LENGTH:
            raise MeasureError(
                f"{definition.slug}: each activity needs a name of up to {ACTIVITY_LENGTH} letters"
            )
        if isinstance(point, bool) or not isinstance(point, int) or point not in scale.points:
            raise MeasureError(
                f"{definition.slug}: each activity needs a rating from {scale.low} to {scale.high}"
            )
    return {
        "activities": [[name, point] for name, (_given, point) in zip(names, rated, strict=True)]
    }


def points_of(values: dict) -> list[int]:
    if "items" in values:
        return list(values["items"].values())
    return [point for _name, point in values["activities"]]


def score_of(definition: Definition, values: dict) -> Decimal:
    """The answer's score: the mean or the sum of its points, to two decimals."""
    points = points_of(values)
    total = Decimal(sum(points))
    score = total / len(points) if definition.score == "mean" else total
    return score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- Meaningful change -----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """How the latest score stands against the baseline (or, for a rating of change, alone)."""

    change: Decimal
    meaningful: bool
    better: bool | None  # None: no change at all


def meaningful_size(definition: Definition, baseline: Decimal | None) -> Decimal:
    """The smallest change that is meaningful: ``meaningful_change`` points, or where the
    definition gives one and the change is read from a baseline, ``meaningful_percent``
    of the baseline when that is smaller. Charts shade the band within it."""
    size = definition.meaningful_change
    if definition.compare == "baseline" and definition.meaningful_percent is not None and baseline:
        size = min(size, definition.meaningful_percent * abs(baseline) / 100)
    return size


def change_between(definition: Definition, baseline: Decimal | None, latest: Decimal) -> Change:
    """The change from ``baseline`` to ``latest`` and whether it is meaningful.

    With ``compare = "itself"`` the latest score is already a change (the Global Rating
    of Change): meaningful at ``meaningful_change`` or beyond either way. Otherwise the
    difference from the baseline, meaningful at ``meaningful_change`` points or, where
    the definition gives one, ``meaningful_percent`` of the baseline.
    """
    change = latest if definition.compare == "itself" else latest - baseline
    meaningful = abs(change) >= meaningful_size(definition, baseline)
    if change == 0:
        better = None
    elif definition.compare == "itself":
        better = change > 0
    else:
        better = (change > 0) == (definition.better == "higher")
    return Change(change=change, meaningful=meaningful, better=better)


def points_words(value: Decimal) -> str:
    """'2.7 points', '1 point', '3 points': trailing zeros dropped."""
    number = f"{value.normalize():f}"
    return f"{number} point" if number == "1" else f"{number} points"


def change_sentence(
    definition: Definition, change: Change, since: str, *, latest: Decimal | None = None
) -> str:
    """The change in words, for staff: "PSFS up 2.7 points since 3 November: a meaningful
    improvement"; for a rating of change, "Change: +4 on 30 November (moderately better):
    a meaningful improvement"."""
    if change.better is None:
        verdict = "no change"
    elif change.meaningful:
        verdict = "a meaningful improvement" if change.better else "a meaningful worsening"
    else:
        verdict = "not yet a meaningful change"
    if definition.compare == "itself":
        point = int(latest if latest is not None else change.change)
        label = definition.scale.label(point).lower()
        return f"{definition.short_name} {point:+d} on {since} ({label}): {verdict}"
    if change.better is None:
        return f"{definition.short_name} the same as on {since}: {verdict}"
    direction = "up" if change.change > 0 else "down"
    return (
        f"{definition.short_name} {direction} {points_words(abs(change.change))} since {since}: "
        f"{verdict}"
    )
