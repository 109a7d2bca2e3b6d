"""Building programmes: starting a prescription from a protocol."""

from django.db import transaction

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
    PrescriptionItem.objects.bulk_create(
        [
            PrescriptionItem(
                prescription=prescription,
                exercise=item.exercise,
                order=position,
                note=item.note,
                **item.dose_values(),
            )
            for position, item in enumerate(protocol.items.order_by("order"))
        ]
    )
    return prescription
