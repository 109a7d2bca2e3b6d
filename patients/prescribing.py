"""Building programmes: starting one from a protocol or from another patient's, and saving it."""

from django.db import transaction
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from exercises.models import Protocol
from patients.models import Patient, Prescription, PrescriptionItem


@transaction.atomic
def prescription_from_protocol(
    patient: Patient, protocol: Protocol, therapist, *, title: str = ""
) -> Prescription:
    """A new draft programme for ``patient`` holding a copy of ``protocol``'s items.

    The copy is independent: editing it never changes the protocol.
    """
    prescription = Prescription.objects.create(
        patient=patient,
        therapist=therapist,
        protocol=protocol,
        title=title or protocol.name,
        instructions=protocol.description,
    )
    copy_items(protocol.items.order_by("order"), prescription, therapist)
    return prescription


@transaction.atomic
def copy_prescription(
    source: Prescription, patient: Patient, therapist, *, title: str = ""
) -> Prescription:
    """A new draft programme for ``patient`` with the exercises, doses and notes of ``source``.

    Dates are left empty: they belong to the new patient's plan, not the old one's.
    """
    prescription = Prescription.objects.create(
        patient=patient,
        therapist=therapist,
        protocol=source.protocol,
        title=title or source.title,
        instructions=source.instructions,
    )
    copy_items(source.items.order_by("order"), prescription, therapist)
    return prescription


def copy_items(items, prescription: Prescription, therapist) -> None:
    """Give ``prescription`` a copy of ``items`` (a protocol's or another programme's), in
    their order: the exercise, its note and its dose, each recorded in the history as
    made by ``therapist``. The copies are independent of what they were copied from."""
    bulk_create_with_history(
        [
            PrescriptionItem(
                prescription=prescription,
                exercise_id=item.exercise_id,
                order=position,
                note=item.note,
                **item.dose_values(),
            )
            for position, item in enumerate(items)
        ],
        PrescriptionItem,
        default_user=therapist,
    )


class StaleProgramme(Exception):
    """Someone else saved the programme after this editor opened it."""

    def __init__(self, current: int, seen: int):
        self.current, self.seen = current, seen
        super().__init__(
            gettext(
                "Someone saved this programme while you were editing it. Nothing of yours was "
                "saved. Open it again to see their changes, then make yours."
            )
        )


@transaction.atomic
def save_programme(
    prescription: Prescription, seen_revision: int, items: list[dict], user=None
) -> Prescription:
    """Save the programme's fields (already set on ``prescription``) and replace its items.

    ``items`` are, in order, dicts of ``exercise``, ``note`` and the dose fields;
    ``user`` is recorded as the author of the change in the programme's history.
    The save is refused with ``StaleProgramme`` when the stored revision is no
    longer the one the editor opened; otherwise the revision goes up by one. The
    row is locked first, so two saves can never both pass the check.
    """
    current = (
        Prescription.objects.select_for_update()
        .filter(pk=prescription.pk)
        .values_list("revision", flat=True)
        .get()
    )
    if current != seen_revision:
        raise StaleProgramme(current, seen_revision)
    prescription.revision = current + 1
    prescription.save()
    prescription.items.all().delete()
    bulk_create_with_history(
        [
            PrescriptionItem(prescription=prescription, order=position, **item)
            for position, item in enumerate(items)
        ],
        PrescriptionItem,
        default_user=user,
    )
    return prescription
