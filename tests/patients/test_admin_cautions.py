"""Cautions in the admin: a patient's conditions to take care with, and a programme item
of an exercise tagged with one of them, which needs the therapist's confirmation."""

import pytest
from django.urls import reverse

from exercises.models import Condition, Contraindication
from patients.models import Prescription
from tests.exercises.test_admin_library import add_inline_row
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.hipclinic.test_admin_pages import admin_url, form_data

pytestmark = pytest.mark.django_db

POSTERIOR = Condition.HIP_POSTERIOR
REASON = "Crosses the legs and bends the hip past a right angle."


@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic, conditions=[POSTERIOR])


@pytest.fixture
def prescription(therapist, patient):
    prescription = PrescriptionFactory(patient=patient, therapist=therapist)
    PrescriptionItemFactory(prescription=prescription, order=0)
    return prescription


@pytest.fixture
def figure_four():
    exercise = ExerciseFactory(clinic=None, name="Figure-four stretch")
    Contraindication.objects.create(exercise=exercise, condition=POSTERIOR, reason=REASON)
    return exercise


@pytest.fixture
def admin_client(client, therapist):
    client.force_login(therapist)
    return client


def add_figure_four(client, prescription, figure_four, **row):
    page = client.get(admin_url(prescription))
    data = add_inline_row(form_data(page), exercise=figure_four.pk, order="1", **row)
    return client.post(admin_url(prescription), data)


def test_adding_a_tagged_exercise_without_confirming_is_refused_with_the_reason(
    admin_client, prescription, figure_four
):
    response = add_figure_four(admin_client, prescription, figure_four)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Hip replacement, posterior approach: " + REASON in html
    assert "I have checked this is right for this patient" in html
    assert not prescription.items.filter(exercise=figure_four).exists()


def test_confirming_in_the_admin_records_who_when_and_which_condition(
    admin_client, therapist, prescription, figure_four
):
    response = add_figure_four(admin_client, prescription, figure_four, confirm="on")

    item = prescription.items.get(exercise=figure_four)
    assert response.status_code == 302
    assert (item.confirmed_conditions, item.confirmed_by) == ([POSTERIOR], therapist)
    assert item.confirmed_at is not None


def test_the_admin_item_shows_its_confirmation_and_keeps_it_on_the_next_save(
    admin_client, therapist, prescription, figure_four
):
    add_figure_four(admin_client, prescription, figure_four, confirm="on")
    confirmed_at = prescription.items.get(exercise=figure_four).confirmed_at

    page = admin_client.get(admin_url(prescription))
    response = admin_client.post(admin_url(prescription), form_data(page))

    assert "Checked for Hip replacement, posterior approach by" in page.content.decode()
    assert response.status_code == 302
    assert prescription.items.get(exercise=figure_four).confirmed_at == confirmed_at


def test_a_condition_added_later_shows_as_needing_confirmation_in_the_admin(
    admin_client, therapist, patient, prescription, figure_four
):
    PrescriptionItemFactory(prescription=prescription, order=1, exercise=figure_four)

    page = admin_client.get(admin_url(prescription))
    refused = admin_client.post(admin_url(prescription), form_data(page))

    assert f"Needs confirming: Hip replacement, posterior approach. {REASON}" in (
        page.content.decode()
    )
    assert refused.status_code == 200
    assert prescription.items.get(exercise=figure_four).confirmed_by is None


def test_the_patients_conditions_are_kept_from_the_admin_in_the_vocabularys_order(
    admin_client, patient
):
    page = admin_client.get(admin_url(patient))
    data = form_data(page) | {"conditions": [Condition.FALL_RISK, Condition.HIP_ANTERIOR]}

    response = admin_client.post(admin_url(patient), data)

    patient.refresh_from_db()
    assert response.status_code == 302
    assert patient.conditions == [Condition.HIP_ANTERIOR, Condition.FALL_RISK]


def test_an_unknown_condition_is_refused_in_the_admin(admin_client, patient):
    page = admin_client.get(admin_url(patient))

    response = admin_client.post(admin_url(patient), form_data(page) | {"conditions": ["gout"]})

    patient.refresh_from_db()
    assert response.status_code == 200
    assert "Select a valid choice. gout is not one of the available choices." in (
        response.content.decode()
    )
    assert patient.conditions == [POSTERIOR]


def test_a_new_programme_in_the_admin_needs_the_confirmation_too(
    admin_client, patient, figure_four
):
    page = admin_client.get(reverse("admin:patients_prescription_add"))
    data = form_data(page) | {"patient": patient.pk, "title": "New hip", "status": "draft"}
    data = add_inline_row(data, exercise=figure_four.pk, order="0")

    refused = admin_client.post(reverse("admin:patients_prescription_add"), data)
    saved = admin_client.post(
        reverse("admin:patients_prescription_add"), data | {"items-0-confirm": "on"}
    )

    assert refused.status_code == 200
    assert "Not saved: this exercise needs care for this patient." in refused.content.decode()
    assert saved.status_code == 302
    assert Prescription.objects.get(title="New hip").items.get().confirmed_conditions == [POSTERIOR]
