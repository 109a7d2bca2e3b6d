"""Every main page of the therapist's app passes axe-core's WCAG 2 A and AA checks."""

import datetime

import pytest

from tests.e2e.conftest import accessibility_violations, log_in
from tests.factories import (
    ExerciseFactory,
    HandoutFactory,
    ManagerFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    ProtocolItemFactory,
    SessionLogFactory,
)


@pytest.fixture
def world(transactional_db, clinic):
    manager = ManagerFactory(clinic=clinic, username="morgan")
    patient = PatientFactory(clinic=clinic, primary_therapist=manager, email="p@example.com")
    exercise = ExerciseFactory(clinic=clinic, name="Bridge", precautions="Stop if it hurts.")
    programme = PrescriptionFactory(
        patient=patient,
        therapist=manager,
        status="active",
        start_date=datetime.date.today() - datetime.timedelta(days=10),
    )
    PrescriptionItemFactory(prescription=programme, exercise=exercise, note="Slowly")
    HandoutFactory(prescription=programme, revision=1, page_count=3)
    SessionLogFactory(patient=patient, prescription=programme, pain=4)
    protocol = ProtocolFactory(clinic=clinic)
    ProtocolItemFactory(protocol=protocol, exercise=exercise)
    return {
        "manager": manager,
        "pages": [
            "/",
            "/patients/",
            "/patients/new/",
            f"/patients/{patient.pk}/",
            f"/patients/{patient.pk}/edit/",
            f"/patients/{patient.pk}/programmes/new/",
            f"/programmes/{programme.pk}/",
            "/library/",
            "/library/new/",
            f"/library/{exercise.pk}/",
            "/protocols/",
            "/protocols/new/",
            f"/protocols/{protocol.pk}/",
            "/day-counts/",
        ],
    }


def test_main_pages_pass_an_accessibility_check(page, base_url, world):
    log_in(page, base_url, world["manager"])
    problems = {}
    for path in world["pages"]:
        page.goto(base_url + path)
        found = accessibility_violations(page)
        if found:
            problems[path] = found

    assert problems == {}
