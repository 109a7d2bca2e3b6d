"""Loading the shipped exercise library from the TOML files in exercises/data/library/.

The files are the source of truth for the shared library (rows with no clinic): every
``*.toml`` file in the folder, read in name order as one library (muscles and equipment,
exercises by topic, protocols), so each stays small enough to review.
Loading is idempotent: a second load writes nothing, a changed entry is updated
in place, and an entry that leaves the file is archived rather than deleted, so
programmes that use it keep working. An exercise's contraindication tags follow
the file exactly (a tag that leaves it is deleted: it describes the exercise, and
no programme points at it). Clinics' own exercises and protocols are never read
or written here.

``read_library`` checks the whole file before anything is written: unique slugs,
variations that agree, poses that draw, no dose figure in a step, tip or item note
and no dose or count of exercises in a protocol's description (``wording``), and
tags from the vocabulary (``Condition``).

Translations live beside the English, one folder per language named by its code in
``settings.LANGUAGES`` (``es/``), with one file per English file. They are checked
before anything is written too (``read_translations``): each entry names a shipped
exercise or protocol, gives every patient-facing field, and has as many steps, tips and
"take care" lines as the English, so each line keeps its meaning and picture numbers.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from exercises import poses, wording
from exercises.illustrations import update_drawing
from exercises.models import (
    LINE_FIELDS,
    Condition,
    Contraindication,
    Dose,
    Equipment,
    Exercise,
    ExerciseTranslation,
    Muscle,
    Protocol,
    ProtocolItem,
    ProtocolTranslation,
    uneven_lines,
)

LIBRARY_FILE = Path(__file__).resolve().parent / "data" / "library"
SECTIONS = ("muscles", "equipment", "exercises", "protocols")

EXERCISE_TEXT_FIELDS = ("name", "kind", "position", "difficulty", "purpose")
EXERCISE_LIST_FIELDS = ("steps", "cues", "precautions", "sources")
PROTOCOL_FIELDS = ("name", "condition", "description")

# What a translation gives, per section: every one of these, and nothing else.
TRANSLATED_FIELDS = {
    "exercises": ("name", "purpose", "steps", "cues", "precautions"),
    "protocols": ("name", "description"),
}


class LibraryError(ValueError):
    """The library file is wrong; the message names the entry and the field."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    archived: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.archived or self.removed)

    def __str__(self) -> str:
        if not self.changed_anything:
            return "Library is up to date: nothing changed."
        parts = []
        for label, bucket in (
            ("created", self.created),
            ("updated", self.updated),
            ("archived", self.archived),
            ("removed", self.removed),
        ):
            parts += [f"{label} {n} {kind}" for kind, n in sorted(bucket.items())]
        return "Library loaded: " + ", ".join(parts) + "."


def read_library(path: Path = LIBRARY_FILE) -> dict:
    """The whole library, checked: from one TOML file, or from every ``*.toml`` file in a
    folder, in name order, as if they were one."""
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    if not files:
        raise LibraryError(f"{path} holds no library files (*.toml).")
    data = {section: [] for section in SECTIONS}
    file_of = {}  # exercise slug -> the file it is written in, for errors that send you there
    for file in files:
        try:
            with open(file, "rb") as handle:
                part = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise LibraryError(f"{file.name} is not valid TOML: {error}") from error
        unknown = set(part) - set(SECTIONS)
        if unknown:
            raise LibraryError(f"{file.name}: unknown section(s) {', '.join(sorted(unknown))}.")
        for section in SECTIONS:
            data[section] += part.get(section, [])
        file_of.update((entry.get("slug"), file.name) for entry in part.get("exercises", []))
    _check_unique_slugs(data)
    _check_variations(data["exercises"])
    _check_poses(data["exercises"], file_of)
    _check_wording(data)
    _check_contraindications(data["exercises"])
    return data


def _check_unique_slugs(data: dict) -> None:
    for section, entries in data.items():
        seen = set()
        for position, entry in enumerate(entries, start=1):
            slug = entry.get("slug")
            if not slug:
                raise LibraryError(f"{section} entry {position}: 'slug' is missing.")
            if slug in seen:
                raise LibraryError(f"{section} '{slug}': the slug is used twice.")
            seen.add(slug)


def _check_variations(exercises: list[dict]) -> None:
    """Easier/harder links must name known exercises and agree in both directions."""
    by_slug = {entry["slug"]: entry for entry in exercises}
    for entry in exercises:
        slug = entry["slug"]
        for key, reverse in (("easier", "harder"), ("harder", "easier")):
            other = entry.get(key)
            if other is None:
                continue
            if other == slug:
                raise LibraryError(
                    f"exercise '{slug}', field '{key}': an exercise cannot be its own variation."
                )
            if other not in by_slug:
                raise LibraryError(f"exercise '{slug}', field '{key}': no exercise '{other}'.")
            if by_slug[other].get(reverse) != slug:
                raise LibraryError(
                    f"exercise '{slug}', field '{key}': '{other}' must name '{slug}' as its {reverse} version too."
                )


def _check_poses(exercises: list[dict], file_of: dict[str, str]) -> None:
    """Every pose must draw, and its step numbers be among the exercise's steps; checked
    before anything is written, files included."""
    for entry in exercises:
        if "pose" not in entry:
            continue
        try:
            poses.check_pose(entry["pose"], entry["slug"], steps=len(entry.get("steps", [])))
        except poses.PoseError as error:
            raise LibraryError(
                f"{file_of[entry['slug']]}: exercise '{entry['slug']}', field '{error.field}': "
                f"{error.detail}."
            ) from error


def _check_wording(data: dict) -> None:
    """No dose figure in a step, a tip or a protocol item's note, and no dose or count of
    exercises in a protocol's description (the rule is ``wording``'s)."""
    for entry in data["exercises"]:
        for name, what in (("steps", "step"), ("cues", "tip")):
            for number, phrase in wording.figures_in_lines(entry.get(name, [])):
                raise LibraryError(
                    f"exercise '{entry['slug']}', {what} {number}: “{phrase}” is a dose "
                    "figure; say it in the dose."
                )
    for entry in data["protocols"]:
        where = f"protocol '{entry['slug']}'"
        found = wording.description_figures(entry.get("description", ""))
        if found:
            raise LibraryError(
                f"{where}, field 'description': “{found[0]}” belongs in the items' doses."
            )
        for position, item in enumerate(entry.get("items", []), start=1):
            for phrase in wording.dose_figures(item.get("note", "")):
                raise LibraryError(
                    f"{where}, item {position}, field 'note': “{phrase}” is a dose figure; "
                    "say it in the item's dose."
                )


def _check_contraindications(exercises: list[dict]) -> None:
    """Each tag names a known condition, once, with a reason for the therapist."""
    for entry in exercises:
        where = f"exercise '{entry['slug']}', field 'contraindications'"
        seen = set()
        for tag in entry.get("contraindications", []):
            condition = tag.get("condition")
            if condition not in Condition.values:
                raise LibraryError(f"{where}: unknown condition '{condition}'.")
            if condition in seen:
                raise LibraryError(f"{where}: '{condition}' is given twice.")
            if not tag.get("reason", "").strip():
                raise LibraryError(f"{where}: '{condition}' needs a reason.")
            seen.add(condition)


def translation_languages() -> list[str]:
    """The languages a library may be translated into: every one the app speaks but English."""
    return [code for code, _name in settings.LANGUAGES if code != "en"]


def read_translations(path: Path, data: dict) -> dict[str, dict[str, dict]]:
    """The translations beside a library folder, checked against its English ``data``:
    ``{language: {"exercises": {slug: entry}, "protocols": {slug: entry}}}``.

    A language folder may leave entries out (the handout then prints the English with a
    note); what it gives must be whole and match the English line for line.
    """
    if not path.is_dir():
        return {}
    english = {
        section: {entry["slug"]: entry for entry in data[section]} for section in TRANSLATED_FIELDS
    }
    translations = {}
    for language in translation_languages():
        folder = path / language
        if not folder.is_dir():
            continue
        found = {section: {} for section in TRANSLATED_FIELDS}
        for file in sorted(folder.glob("*.toml")):
            name = f"{language}/{file.name}"
            try:
                with open(file, "rb") as handle:
                    part = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise LibraryError(f"{name} is not valid TOML: {error}") from error
            unknown = set(part) - set(TRANSLATED_FIELDS)
            if unknown:
                raise LibraryError(f"{name}: unknown section(s) {', '.join(sorted(unknown))}.")
            for section, entries in part.items():
                for slug, entry in entries.items():
                    _check_translation(name, section, slug, entry, english[section])
                    if slug in found[section]:
                        raise LibraryError(
                            f"{name}: {section[:-1]} '{slug}' is translated twice into "
                            f"'{language}'."
                        )
                    found[section][slug] = entry
        translations[language] = found
    return translations


def _check_translation(name: str, section: str, slug: str, entry, english: dict) -> None:
    kind = section[:-1]  # "exercise", "protocol"
    where = f"{name}: {kind} '{slug}'"
    if slug not in english:
        raise LibraryError(f"{where}: no shipped {kind} has this slug.")
    if not isinstance(entry, dict):
        raise LibraryError(f"{where}: write it as a table, [{section}.{slug}].")
    fields = TRANSLATED_FIELDS[section]
    unknown = set(entry) - set(fields)
    if unknown:
        raise LibraryError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
    for field_name in fields:
        if field_name not in entry:
            raise LibraryError(f"{where}, field '{field_name}': missing.")
        value, original = entry[field_name], english[slug].get(field_name, "")
        if field_name in LINE_FIELDS:
            if not isinstance(value, list):
                raise LibraryError(f"{where}, field '{field_name}': give a list of lines.")
            if any(not line.strip() for line in value):
                raise LibraryError(f"{where}, field '{field_name}': a line is empty.")
        elif not isinstance(value, str) or (original and not value.strip()):
            raise LibraryError(f"{where}, field '{field_name}': missing.")
    if section == "exercises":
        for field_name, (ours, theirs) in uneven_lines(english[slug], entry).items():
            raise LibraryError(
                f"{where}, field '{field_name}': the English has {ours} lines "
                f"and this translation has {theirs}: give one line for each."
            )


def _dose_values(entry: dict, where: str) -> dict:
    dose = dict(entry.get("dose", {}))
    unknown = set(dose) - set(Dose.DOSE_FIELDS)
    if unknown:
        raise LibraryError(f"{where}, field 'dose': unknown key(s) {', '.join(sorted(unknown))}.")
    values = {name: Exercise._meta.get_field(name).get_default() for name in Dose.DOSE_FIELDS}
    values.update(dose)
    return values


def _validate(instance, where: str, exclude: list[str]) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(
            f"field '{name}': {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        raise LibraryError(f"{where}: {problems}") from error


def _apply(instance, values: dict) -> bool:
    """Set ``values`` on ``instance``; True when anything differed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _upsert_simple(
    model, entries: list[dict], fields: tuple[str, ...], kind: str, report: LoadReport
):
    rows = {row.slug: row for row in model.objects.all()}
    for entry in entries:
        where = f"{kind} '{entry['slug']}'"
        values = {name: entry.get(name, "") for name in fields}
        row = rows.get(entry["slug"]) or model(slug=entry["slug"])
        is_new = row.pk is None
        if _apply(row, values) or is_new:
            _validate(row, where, exclude=[])
            row.save()
            report.count(report.created if is_new else report.updated, kind)
        rows[row.slug] = row
    return rows


def _resolve(slugs: list[str], known: dict, where: str, field_name: str) -> set:
    missing = [slug for slug in slugs if slug not in known]
    if missing:
        raise LibraryError(f"{where}, field '{field_name}': unknown {', '.join(missing)}.")
    return {known[slug].pk for slug in slugs}


def _load_exercises(entries, muscles, equipment, report: LoadReport) -> dict[str, Exercise]:
    shipped = {
        row.slug: row
        for row in Exercise.objects.shared().prefetch_related(
            "muscles", "equipment", "contraindications"
        )
    }
    created: set[str] = set()
    for entry in entries:
        slug = entry["slug"]
        where = f"exercise '{slug}'"
        values = {name: entry.get(name, "") for name in EXERCISE_TEXT_FIELDS}
        values.update({name: "\n".join(entry.get(name, [])) for name in EXERCISE_LIST_FIELDS})
        values.update(_dose_values(entry, where))
        values["pose"] = entry.get("pose", {})
        exercise = shipped.get(slug) or Exercise(slug=slug, clinic=None)
        is_new = exercise.pk is None
        changed = _apply(exercise, values)
        if changed or is_new:
            _validate(exercise, where, exclude=["clinic", "easier_version", "illustration"])
            exercise.save()
        muscle_pks = _resolve(entry.get("muscles", []), muscles, where, "muscles")
        equipment_pks = _resolve(entry.get("equipment", []), equipment, where, "equipment")
        if is_new or {m.pk for m in exercise.muscles.all()} != muscle_pks:
            exercise.muscles.set(muscle_pks)
            changed = True
        if is_new or {e.pk for e in exercise.equipment.all()} != equipment_pks:
            exercise.equipment.set(equipment_pks)
            changed = True
        if _sync_contraindications(exercise, entry.get("contraindications", [])):
            changed = True
        if update_drawing(exercise):
            report.count(report.created if is_new else report.updated, "illustrations")
        if is_new:
            created.add(slug)
            report.count(report.created, "exercises")
        elif changed:
            report.count(report.updated, "exercises")
        shipped[slug] = exercise

    # Variations only after every exercise exists, so links may point forwards.
    for entry in entries:
        exercise = shipped[entry["slug"]]
        easier = shipped[entry["easier"]] if entry.get("easier") else None
        if exercise.easier_version_id != (easier.pk if easier else None):
            exercise.easier_version = easier
            exercise.save(update_fields=["easier_version", "updated_at"])
            if entry["slug"] not in created:
                report.count(report.updated, "variation links")

    in_file = {entry["slug"] for entry in entries}
    for slug, exercise in shipped.items():
        if slug not in in_file and not exercise.archived:
            exercise.archived = True
            exercise.save(update_fields=["archived", "updated_at"])
            report.count(report.archived, "exercises")
    return shipped


def _sync_contraindications(exercise: Exercise, tags: list[dict]) -> bool:
    """Make the exercise's tags those of the file: new ones added, changed reasons
    updated, the rest deleted. True when anything was written."""
    wanted = {tag["condition"]: tag["reason"].strip() for tag in tags}
    current = {row.condition: row for row in exercise.contraindications.all()}
    changed = False
    for condition, row in current.items():
        if condition not in wanted:
            row.delete()
            changed = True
        elif row.reason != wanted[condition]:
            row.reason = wanted[condition]
            _validate(row, f"exercise '{exercise.slug}', condition '{condition}'", exclude=[])
            row.save(update_fields=["reason"])
            changed = True
    for condition, reason in wanted.items():
        if condition not in current:
            row = Contraindication(exercise=exercise, condition=condition, reason=reason)
            _validate(row, f"exercise '{exercise.slug}', condition '{condition}'", exclude=[])
            row.save()
            changed = True
    return changed


def _load_protocols(entries, exercises: dict[str, Exercise], report: LoadReport) -> None:
    shipped = {
        row.slug: row
        for row in Protocol.objects.filter(clinic__isnull=True).prefetch_related("items")
    }
    for entry in entries:
        slug = entry["slug"]
        where = f"protocol '{slug}'"
        values = {name: entry.get(name, "") for name in PROTOCOL_FIELDS}
        values["sources"] = "\n".join(entry.get("sources", []))
        protocol = shipped.get(slug) or Protocol(slug=slug, clinic=None)
        is_new = protocol.pk is None
        changed = _apply(protocol, values)
        if changed or is_new:
            _validate(protocol, where, exclude=["clinic"])
            protocol.save()

        wanted = []
        for position, item in enumerate(entry.get("items", [])):
            item_where = f"{where}, item {position + 1}"
            exercise = exercises.get(item.get("exercise", ""))
            if exercise is None:
                raise LibraryError(
                    f"{item_where}, field 'exercise': no exercise '{item.get('exercise')}'."
                )
            dose = _dose_values(
                item if "dose" in item else {"dose": exercise_dose(exercise)}, item_where
            )
            wanted_item = ProtocolItem(
                protocol=protocol,
                exercise=exercise,
                order=position,
                note=item.get("note", ""),
                **dose,
            )
            _validate(wanted_item, item_where, exclude=["protocol"])
            wanted.append(wanted_item)
        current = [_item_key(item) for item in protocol.items.all()] if not is_new else []
        if current != [_item_key(item) for item in wanted]:
            protocol.items.all().delete()
            ProtocolItem.objects.bulk_create(wanted)
            changed = True
        if is_new:
            report.count(report.created, "protocols")
        elif changed:
            report.count(report.updated, "protocols")

    in_file = {entry["slug"] for entry in entries}
    for slug, protocol in shipped.items():
        if slug not in in_file and not protocol.archived:
            protocol.archived = True
            protocol.save(update_fields=["archived", "updated_at"])
            report.count(report.archived, "protocols")


def exercise_dose(exercise: Exercise) -> dict:
    return {
        name: value for name, value in exercise.dose_values().items() if value not in (None, "")
    }


def _item_key(item: ProtocolItem) -> tuple:
    return (item.exercise_id, item.order, item.note, tuple(sorted(item.dose_values().items())))


def _load_translations(
    translations: dict[str, dict[str, dict]],
    exercises: dict[str, Exercise],
    report: LoadReport,
) -> None:
    """Make the shipped exercises' and protocols' translation rows those of the files:
    new ones created, changed ones updated, ones that left the files removed."""
    protocols = {row.slug: row for row in Protocol.objects.filter(clinic__isnull=True)}
    for model, section, owners, owner_field, kind in (
        (ExerciseTranslation, "exercises", exercises, "exercise", "exercise translations"),
        (ProtocolTranslation, "protocols", protocols, "protocol", "protocol translations"),
    ):
        current = {
            (getattr(row, owner_field).slug, row.language): row
            for row in model.objects.filter(
                **{f"{owner_field}__clinic__isnull": True}
            ).select_related(owner_field)
        }
        wanted = set()
        for language, found in translations.items():
            for slug, entry in found[section].items():
                wanted.add((slug, language))
                values = {
                    name: "\n".join(value) if isinstance(value, list) else value.strip()
                    for name, value in entry.items()
                }
                row = current.get((slug, language)) or model(
                    **{owner_field: owners[slug]}, language=language
                )
                is_new = row.pk is None
                if _apply(row, values) or is_new:
                    _validate(row, f"{language}: {owner_field} '{slug}'", exclude=[])
                    row.save()
                    report.count(report.created if is_new else report.updated, kind)
        for key, row in current.items():
            if key not in wanted:
                row.delete()
                report.count(report.removed, kind)


@transaction.atomic
def load_library(path: Path = LIBRARY_FILE) -> LoadReport:
    """Bring the shared library in the database in line with the library file."""
    data = read_library(path)
    translations = read_translations(path, data)
    report = LoadReport()
    muscles = _upsert_simple(
        Muscle, data["muscles"], ("name", "group", "plain_name"), "muscles", report
    )
    equipment = _upsert_simple(Equipment, data["equipment"], ("name",), "equipment", report)
    exercises = _load_exercises(data["exercises"], muscles, equipment, report)
    _load_protocols(data["protocols"], exercises, report)
    _load_translations(translations, exercises, report)
    return report
