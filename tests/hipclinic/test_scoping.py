"""Clinic scoping and role permissions: who sees which rows, and who may change what."""

import pytest
from django.contrib.auth.models import AnonymousUser

from exercises.models import Exercise, Protocol
from hipclinic.models import AuditAction, AuditEvent, User
from patients.models import (
    Handout,
    Patient,
    PatientLink,
    Prescription,
    PrescriptionItem,
    SessionLog,
)
from tests.factories import (
    ExerciseFactory,
    HandoutFactory,
    ManagerFactory,
    PatientFactory,
    PatientLinkFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    SessionLogFactory,
    SuperuserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CLINICAL = [
    (Patient, lambda clinic: PatientFactory(clinic=clinic)),
    (
        Prescription,
        lambda clinic: PrescriptionItemFactory(prescription__patient__clinic=clinic).prescription,
    ),
    (
        PrescriptionItem,
        lambda clinic: PrescriptionItemFactory(prescription__patient__clinic=clinic),
    ),
    (Handout, lambda clinic: HandoutFactory(prescription__patient__clinic=clinic)),
    (PatientLink, lambda clinic: PatientLinkFactory(patient__clinic=clinic)),
    (SessionLog, lambda clinic: SessionLogFactory(patient__clinic=clinic)),
    (Exercise, lambda clinic: ExerciseFactory(clinic=clinic)),
    (Protocol, lambda clinic: ProtocolFactory(clinic=clinic)),
    (User, lambda clinic: UserFactory(clinic=clinic)),
]


@pytest.mark.parametrize(("model", "make"), CLINICAL, ids=[m.__name__ for m, _ in CLINICAL])
def test_staff_see_their_own_clinics_rows_only(model, make, clinic, other_clinic, therapist):
    mine = make(clinic)
    theirs = make(other_clinic)

    visible = set(model.objects.visible_to(therapist))

    assert mine in visible
    assert theirs not in visible


@pytest.mark.parametrize(("model", "make"), CLINICAL, ids=[m.__name__ for m, _ in CLINICAL])
def test_superuser_sees_every_clinic(model, make, clinic, other_clinic):
    rows = {make(clinic), make(other_clinic)}

    assert rows <= set(model.objects.visible_to(SuperuserFactory()))


def test_anonymous_and_clinicless_users_see_nothing(clinic):
    PatientFactory(clinic=clinic)
    clinicless = UserFactory(clinic=None, is_staff=False)

    assert not Patient.objects.visible_to(AnonymousUser()).exists()
    assert not Patient.objects.visible_to(clinicless).exists()


def test_shared_library_is_visible_to_every_clinic(therapist):
    shared = ExerciseFactory(clinic=None)
    shared_protocol = ProtocolFactory(clinic=None)

    assert shared in Exercise.objects.visible_to(therapist)
    assert shared_protocol in Protocol.objects.visible_to(therapist)


def test_deactivated_staff_see_nothing(clinic):
    PatientFactory(clinic=clinic)
    former = UserFactory(clinic=clinic, is_active=False)

    assert not Patient.objects.visible_to(former).exists()


def test_therapist_prescribes_but_cannot_edit_the_library(therapist):
    assert therapist.has_perm("patients.add_prescription")
    assert therapist.has_perm("patients.change_patient")
    assert therapist.has_perm("exercises.view_exercise")
    assert not therapist.has_perm("exercises.change_exercise")
    assert not therapist.has_perm("hipclinic.add_user")


def test_manager_also_keeps_clinic_exercises_and_users(manager):
    assert manager.has_perm("exercises.change_exercise")
    assert manager.has_perm("exercises.add_protocol")
    assert manager.has_perm("hipclinic.add_user")
    assert not manager.has_perm("hipclinic.add_clinic")


def test_role_permissions_need_staff_status(clinic):
    not_staff = ManagerFactory(clinic=clinic, is_staff=False)

    assert not not_staff.has_perm("patients.view_patient")


def test_audit_event_holds_identifiers_not_text(therapist):
    patient = PatientFactory(clinic=therapist.clinic, notes="Sciatica since March")

    event = AuditEvent.record(AuditAction.VIEWED, patient, actor=therapist, clinic=therapist.clinic)

    assert (event.target_type, event.target_id) == ("patients.patient", str(patient.pk))
    assert "Sciatica" not in str(event)
    assert str(event) == f"{therapist} viewed patients.patient #{patient.pk}"


def test_str_of_each_model_reads_as_words(therapist):
    item = PrescriptionItemFactory(
        prescription__patient__clinic=therapist.clinic,
        prescription__patient__first_name="Ada",
        prescription__patient__last_name="Lovelace",
        prescription__patient__chart_number="C-7",
        prescription__title="Hip programme",
        exercise__name="Clamshell",
        order=0,
    )
    handout = HandoutFactory(prescription=item.prescription, revision=2)
    shared = ExerciseFactory(clinic=None, name="Butterfly")

    assert str(item.prescription.patient) == "Ada Lovelace (C-7)"
    assert str(item.prescription) == "Hip programme for Ada Lovelace"
    assert str(item) == "1. Clamshell"
    assert str(handout) == "Hip programme, version 2"
    assert str(shared) == "Butterfly (library)"
    assert str(item.exercise) == "Clamshell"
