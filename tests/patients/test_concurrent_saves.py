"""Two therapists saving one programme at the same moment, on PostgreSQL's real row locks."""

import threading

import pytest
from django.db import connection, connections

from patients.models import Prescription, PrescriptionItem
from patients.prescribing import StaleProgramme, save_programme
from tests.factories import ExerciseFactory, PatientFactory, PrescriptionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are PostgreSQL's (CI runs the suite there too)",
    ),
]


def test_exactly_one_of_two_simultaneous_saves_wins(clinic):
    programme = PrescriptionFactory(patient=PatientFactory(clinic=clinic))
    mine = [ExerciseFactory(clinic=clinic, name=f"Mine {n}") for n in range(3)]
    theirs = [ExerciseFactory(clinic=clinic, name=f"Theirs {n}") for n in range(4)]
    start = threading.Barrier(2)
    outcomes = {}

    def save(name, exercises):
        try:
            opened = Prescription.objects.get(pk=programme.pk)  # both open revision 1
            start.wait()
            items = [{"exercise": e, "note": name} for e in exercises]
            save_programme(opened, 1, items)
            outcomes[name] = "saved"
        except StaleProgramme:
            outcomes[name] = "refused"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=("mine", mine)),
        threading.Thread(target=save, args=("theirs", theirs)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    expected = [e.name for e in (mine if winner == "mine" else theirs)]
    stored = PrescriptionItem.objects.filter(prescription=programme).order_by("order")
    assert [item.exercise.name for item in stored] == expected  # none lost, none doubled
    assert {item.note for item in stored} == {winner}
    assert Prescription.objects.get(pk=programme.pk).revision == 2
