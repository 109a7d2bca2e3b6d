"""Staff pages show patients' records: a browser or proxy never stores a copy."""

import pytest
from django.urls import reverse

from patients.handouts import issue_handout
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(clinic, therapist):
    programme = PrescriptionFactory(
        patient=PatientFactory(clinic=clinic, primary_therapist=therapist), therapist=therapist
    )
    PrescriptionItemFactory(prescription=programme, exercise=ExerciseFactory(clinic=clinic))
    return programme


STAFF_PAGES = {
    "Today": lambda p: reverse("patients:today"),
    "patients": lambda p: reverse("patients:patient_list"),
    "patient": lambda p: reverse("patients:patient_detail", args=[p.patient.pk]),
    "programme": lambda p: reverse("patients:programme_detail", args=[p.pk]),
    "builder": lambda p: reverse("patients:programme_edit", args=[p.pk]),
    "library": lambda p: reverse("exercises:exercise_list"),
    "exercise": lambda p: reverse("exercises:exercise_detail", args=[p.items.get().exercise_id]),
    "protocols": lambda p: reverse("exercises:protocol_list"),
    "new patient": lambda p: reverse("patients:patient_new"),
}


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_every_staff_page_is_sent_no_store(client, therapist, programme, page):
    client.force_login(therapist)

    response = client.get(STAFF_PAGES[page](programme))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_form_sent_back_with_errors_is_not_stored_either(client, therapist, programme):
    client.force_login(therapist)

    response = client.post(reverse("patients:patient_edit", args=[programme.patient.pk]), {})

    assert response.status_code == 200  # the record's form again, with what was typed
    assert response["Cache-Control"] == "private, no-store"


def test_the_admin_and_the_handout_download_keep_the_headers_they_chose(
    client, therapist, manager, programme
):
    handout = issue_handout(programme, therapist)
    client.force_login(therapist)
    url = reverse("patients:download_handout", args=[handout.pk])

    download = client.get(url)
    confirmed = client.get(url, HTTP_IF_NONE_MATCH=f'"{handout.sha256}"')
    client.force_login(manager)
    admin = client.get(reverse("admin:patients_patient_changelist"))

    assert download["Cache-Control"] == "private, no-cache"
    assert confirmed.status_code == 304 and "no-store" not in confirmed.get("Cache-Control", "")
    assert "no-store" in admin["Cache-Control"] and "private" in admin["Cache-Control"]
