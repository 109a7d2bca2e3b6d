"""Cautions: where an exercise's contraindications meet a patient's conditions.

An exercise tagged with a condition the patient has (Exercise.contraindications,
Patient.conditions) may still be right for them, but only once their therapist has
checked. The check is kept on the programme item (``confirmed_conditions``, who and
when) and is for staff only: no handout or patient page ever shows it.

The rule lives here once, for the builder, the admin and the programme page.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from exercises.models import Condition, Exercise

CONFIRM_LABEL = gettext_lazy("I have checked this is right for this patient")


@dataclass(frozen=True)
class Caution:
    """One of the exercise's conditions that the patient has, and why it matters."""

    condition: str
    reason: str
    confirmed: bool

    @property
    def label(self) -> str:
        return str(Condition(self.condition).label)


def cautions(exercise: Exercise | None, patient_conditions, confirmed=()) -> list[Caution]:
    """The exercise's contraindications that the patient has, each marked confirmed or not.

    Reads ``exercise.contraindications.all()``, so a prefetch serves a whole programme.
    """
    if exercise is None or not patient_conditions:
        return []
    return [
        Caution(tag.condition, tag.reason, tag.condition in confirmed)
        for tag in exercise.contraindications.all()
        if tag.condition in patient_conditions
    ]


def to_confirm(exercise: Exercise | None, patient_conditions, confirmed=()) -> list[Caution]:
    """Which of the exercise's conditions the patient has and no one has confirmed yet."""
    return [
        caution
        for caution in cautions(exercise, patient_conditions, confirmed)
        if not caution.confirmed
    ]


def item_cautions(item) -> list[Caution]:
    """A stored programme item's cautions against its patient's conditions today: a
    condition added to the record after the item was confirmed shows as unconfirmed."""
    return cautions(item.exercise, item.prescription.patient.conditions, item.confirmed_conditions)


def waiting_for_a_check(prescription) -> list[str]:
    """The names of the programme's exercises that need care for its patient and that no
    one has confirmed: a programme started from a protocol or copied from another patient,
    or whose patient gained a condition since. One query for the whole programme."""
    conditions = prescription.patient.conditions
    if not conditions:
        return []
    items = prescription.items.select_related("exercise").prefetch_related(
        "exercise__contraindications"
    )
    return [
        item.exercise.name
        for item in items
        if to_confirm(item.exercise, conditions, item.confirmed_conditions)
    ]


def warning(caution: Caution) -> str:
    """What the therapist reads before confirming: the condition and the reason, one sentence."""
    return f"{caution.label}: {caution.reason.strip().rstrip('.')}."


def carried_over(earlier, exercise: Exercise | None):
    """``earlier`` (a stored item) when its confirmation still holds for a row of
    ``exercise``: the same exercise. A swap or a new exercise starts unconfirmed."""
    if earlier is None or exercise is None or earlier.exercise_id != exercise.pk:
        return None
    return earlier


def confirmation(earlier, exercise: Exercise, patient_conditions, confirming: bool, user) -> dict:
    """The confirmation fields an item saves with; ``ValidationError`` when one is missing.

    ``earlier`` is the stored item this one replaces (or None): its confirmation
    carries over while the exercise stays the same, and is never read from the post.
    Confirming now records the user and the time, for every condition it covers.
    """
    kept = carried_over(earlier, exercise)
    carried = list(kept.confirmed_conditions) if kept else []
    missing = to_confirm(exercise, patient_conditions, carried)
    if missing and not confirming:
        raise ValidationError(unconfirmed_error(missing), code="unconfirmed")
    if missing:
        return {
            "confirmed_conditions": carried + [caution.condition for caution in missing],
            "confirmed_by": user,
            "confirmed_at": timezone.now(),
        }
    if kept is not None:
        return {
            "confirmed_conditions": carried,
            "confirmed_by": kept.confirmed_by,
            "confirmed_at": kept.confirmed_at,
        }
    return {"confirmed_conditions": [], "confirmed_by": None, "confirmed_at": None}


def unconfirmed_error(missing: list[Caution]) -> str:
    """The row's error when a save is refused for want of a confirmation."""
    named = " ".join(warning(caution) for caution in missing)
    return gettext(
        "Not saved: this exercise needs care for this patient. %(warnings)s "
        "Tick “%(label)s” to keep it, or remove it."
    ) % {"warnings": named, "label": CONFIRM_LABEL}
