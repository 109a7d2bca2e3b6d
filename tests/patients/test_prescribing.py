"""Starting a programme from a protocol: a faithful, independent copy."""

import pytest

from exercises.models import HoldUnit, Side
from patients.models import PrescriptionStatus
from patients.prescribing import prescription_from_protocol
from tests.factories import ExerciseFactory, PatientFactory, ProtocolFactory, ProtocolItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(therapist):
    return PatientFactory(clinic=therapist.clinic)


@pytest.fixture
def protocol(clinic):
    protocol = ProtocolFactory(clinic=clinic, name="Back care", description="Move every day.")
    # Stored out of order, with a gap, to show the copy follows `order` and closes gaps.
    ProtocolItemFactory(
        protocol=protocol,
        exercise=ExerciseFactory(clinic=clinic, name="Cat-cow"),
        order=7,
        sets=None,
        reps=10,
        times_per_day=2,
        days_per_week=5,
        note="Breathe out as you round.",
    )
    ProtocolItemFactory(
        protocol=protocol,
        exercise=ExerciseFactory(clinic=None, name="Knee to chest"),
        order=2,
        sets=1,
        reps=3,
        hold=5,
        hold_unit=HoldUnit.BREATHS,
        side=Side.ALTERNATING,
        load="",
        rest_seconds=30,
    )
    return protocol


def items_of(programme) -> list[tuple]:
    return [
        (item.exercise.name, item.order, item.dose_values(), item.note)
        for item in programme.items.order_by("order")
    ]


def test_copy_holds_every_item_in_protocol_order_with_doses_and_notes(patient, protocol, therapist):
    programme = prescription_from_protocol(patient, protocol, therapist)

    knee, cat_cow = protocol.items.order_by("order")
    assert items_of(programme) == [
        ("Knee to chest", 0, knee.dose_values(), ""),
        ("Cat-cow", 1, cat_cow.dose_values(), "Breathe out as you round."),
    ]


def test_copy_is_a_draft_for_the_patient_named_after_the_protocol(patient, protocol, therapist):
    programme = prescription_from_protocol(patient, protocol, therapist)

    assert (programme.patient, programme.therapist, programme.protocol) == (
        patient,
        therapist,
        protocol,
    )
    assert (programme.title, programme.instructions) == ("Back care", "Move every day.")
    assert (programme.status, programme.revision) == (PrescriptionStatus.DRAFT, 1)


def test_copy_takes_a_given_title(patient, protocol, therapist):
    programme = prescription_from_protocol(patient, protocol, therapist, title="Maria's back")

    assert programme.title == "Maria's back"


def test_editing_the_copy_leaves_the_protocol_unchanged(patient, protocol, therapist):
    before = [(i.pk, i.order, i.dose_values(), i.note) for i in protocol.items.order_by("order")]
    programme = prescription_from_protocol(patient, protocol, therapist)

    first = programme.items.get(order=0)
    first.reps, first.note = 12, "Slowly."
    first.save()
    programme.items.get(order=1).delete()

    after = [(i.pk, i.order, i.dose_values(), i.note) for i in protocol.items.order_by("order")]
    assert after == before


def test_changing_the_protocol_later_leaves_the_copy_unchanged(patient, protocol, therapist):
    programme = prescription_from_protocol(patient, protocol, therapist)
    before = items_of(programme)

    protocol.items.update(reps=99, note="Changed")

    assert items_of(programme) == before


def test_two_copies_of_one_protocol_are_independent(patient, protocol, therapist):
    first = prescription_from_protocol(patient, protocol, therapist)
    second = prescription_from_protocol(patient, protocol, therapist)

    first.items.update(reps=1)

    assert first.pk != second.pk
    assert {item.reps for item in second.items.all()} == {10, 3}


def test_empty_protocol_gives_an_empty_programme(patient, therapist, clinic):
    empty = ProtocolFactory(clinic=clinic)

    programme = prescription_from_protocol(patient, empty, therapist)

    assert not programme.items.exists()
