"""A patient's conditions to take care with, in the therapist's app: ticked on the record's
form, shown on the patient's page."""

import pytest
from django.urls import reverse

from exercises.models import Condition
from patients.models import Patient
from tests.factories import PatientFactory
from tests.patients.test_patient_forms import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


def test_the_patient_form_offers_every_condition_as_a_tick(staff_client):
    html = staff_client.get(reverse("patients:patient_new")).content.decode()

    assert "Conditions to take care with" in html
    for label in Condition.labels:
        assert str(label) in html


def test_ticked_conditions_are_kept_in_the_vocabularys_order(staff_client):
    staff_client.post(
        reverse("patients:patient_new"),
        {**GOOD, "conditions": [Condition.OSTEOPOROSIS, Condition.HIP_POSTERIOR]},
    )

    patient = Patient.objects.get(chart_number=GOOD["chart_number"])
    assert patient.conditions == [Condition.HIP_POSTERIOR, Condition.OSTEOPOROSIS]


def test_an_unknown_condition_is_refused_and_nothing_saved(staff_client):
    response = staff_client.post(reverse("patients:patient_new"), {**GOOD, "conditions": ["gout"]})

    assert "Select a valid choice. gout is not one of the available choices." in (
        response.content.decode()
    )
    assert not Patient.objects.filter(chart_number=GOOD["chart_number"]).exists()


def test_unticking_every_condition_clears_them(staff_client, clinic):
    patient = PatientFactory(clinic=clinic, conditions=[Condition.PREGNANCY])
    data = {**GOOD, "chart_number": patient.chart_number}

    staff_client.post(reverse("patients:patient_edit", args=[patient.pk]), data)

    patient.refresh_from_db()
    assert patient.conditions == []


def test_the_patients_page_names_their_conditions(staff_client, clinic):
    patient = PatientFactory(
        clinic=clinic, conditions=[Condition.HIP_POSTERIOR, Condition.FALL_RISK]
    )

    html = staff_client.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()

    assert "Hip replacement, posterior approach; Fall risk" in html
