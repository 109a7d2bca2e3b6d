"""An exercise's words for a patient, in the patient's language.

English is the original, on the exercise itself. For another language the text is the
exercise's ExerciseTranslation, when it has one that matches the original line for
line; otherwise the patient gets the English, and whoever prints it is told (the handout
prints a note, the preview box names the exercise). A translation's stop rule is the
line at the position of the original's: "Stop if" is English, and the rule is a
position, not a phrase.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from exercises.models import (
    Exercise,
    ExerciseTranslation,
    is_stop_rule,
    text_lines,
    uneven_lines,
)

ORIGINAL_LANGUAGE = "en"


@dataclass(frozen=True)
class PatientText:
    """What a patient reads of an exercise, in one language."""

    language: str  # the language the text is in: the one asked for, or English
    name: str
    purpose: str
    steps: list[str]
    tips: list[str]
    precautions: list[str]
    stop_rules: list[str]  # the "take care" lines that are stop rules, as printed


def translation_prefetch(language: str, through: str = "") -> Prefetch:
    """A prefetch of ``language``'s translation of each exercise (of each row's exercise
    with ``through="exercise__"``), read by ``patient_text``: one query for any number."""
    return Prefetch(
        f"{through}translations",
        queryset=ExerciseTranslation.objects.filter(language=language),
        to_attr="translations_in_language",
    )


def matching_translation(exercise: Exercise, language: str) -> ExerciseTranslation | None:
    """The exercise's translation into ``language`` if it has one holding as many steps,
    tips and "take care" lines as the English (one that no longer does, after the English
    was edited, would shift a stop rule to another line: it is not used)."""
    if language == ORIGINAL_LANGUAGE:
        return None
    prefetched = getattr(exercise, "translations_in_language", None)
    if prefetched is not None:
        translation = next((t for t in prefetched if t.language == language), None)
    else:
        translation = exercise.translations.filter(language=language).first()
    if translation is None or uneven_lines(text_lines(exercise), text_lines(translation)):
        return None
    return translation


def patient_text(exercise: Exercise, language: str) -> PatientText:
    """The exercise's words in ``language``, or in English when it has no usable
    translation (``PatientText.language`` then says "en")."""
    english_rules = [is_stop_rule(line) for line in exercise.precaution_list]
    source = matching_translation(exercise, language) or exercise
    precautions = source.precaution_list
    return PatientText(
        language=language if source is not exercise else ORIGINAL_LANGUAGE,
        name=source.name,
        purpose=source.purpose,
        steps=source.step_list,
        tips=source.cue_list,
        precautions=precautions,
        stop_rules=[line for line, rule in zip(precautions, english_rules, strict=True) if rule],
    )


def untranslated(exercises: Iterable[Exercise], language: str) -> list[str]:
    """The names of ``exercises`` that would print in English for a patient reading
    ``language``, each once, in order."""
    if language == ORIGINAL_LANGUAGE:
        return []
    names = []
    for exercise in exercises:
        if matching_translation(exercise, language) is None and exercise.name not in names:
            names.append(exercise.name)
    return names
