"""Patient pages: the list, the record, and who may open them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hipclinic.models import AuditAction, AuditEvent
from patients.models import Patient
from tests.factories import PatientFactory, PrescriptionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(
        clinic=clinic, first_name="Robin", last_name="Okafor", primary_therapist=therapist
    )


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


RECORD_PAGES = ["patients:patient_detail", "patients:patient_edit"]


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_record_pages_open_for_the_clinics_staff(staff_client, patient, name):
    response = staff_client.get(reverse(name, args=[patient.pk]))

    assert response.status_code == 200
    assert "Robin Okafor" in response.content.decode()


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "patients:patient_detail"),
        ("get", "patients:patient_edit"),
        ("get", "patients:programme_new"),
        ("post", "patients:patient_edit"),
        ("post", "patients:programme_new"),
        ("post", "patients:link_create"),
        ("post", "patients:link_email"),
    ],
)
def test_another_clinics_patient_is_not_found(client, other_clinic, patient, name, method):
    client.force_login(UserFactory(clinic=other_clinic))

    response = getattr(client, method)(reverse(name, args=[patient.pk]), {"first_name": "X"})

    assert response.status_code == 404
    assert Patient.objects.get(pk=patient.pk).first_name == "Robin"


@pytest.mark.parametrize(
    "url",
    ["/", "/patients/", "/patients/new/", "/patients/1/", "/patients/1/edit/", "/library/"],
)
def test_anonymous_visitors_go_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_viewing_a_record_is_audited_without_its_contents(staff_client, patient, therapist):
    staff_client.get(reverse("patients:patient_detail", args=[patient.pk]))

    event = AuditEvent.objects.get(action=AuditAction.VIEWED)
    assert (event.actor, event.target_type, event.target_id) == (
        therapist,
        "patients.patient",
        str(patient.pk),
    )


def test_the_record_lists_the_patients_programmes(staff_client, patient):
    PrescriptionFactory(patient=patient, title="Outer hip set")
    PrescriptionFactory(patient=PatientFactory(clinic=patient.clinic), title="Someone else's")

    html = staff_client.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()

    assert "Outer hip set" in html and "Someone else&#x27;s" not in html
    assert reverse("patients:programme_new", args=[patient.pk]) in html


# --- The list ----------------------------------------------------------------------------


def names(response) -> set[str]:
    return {str(p) for p in response.context["page_obj"]}


@pytest.fixture
def people(clinic, other_clinic, therapist):
    colleague = UserFactory(clinic=clinic)
    return {
        "robin": PatientFactory(
            clinic=clinic,
            first_name="Robin",
            last_name="Okafor",
            chart_number="HC-100",
            primary_therapist=therapist,
        ),
        "sam": PatientFactory(
            clinic=clinic,
            first_name="Sam",
            last_name="Reyes",
            chart_number="HC-200",
            primary_therapist=colleague,
        ),
        "ada": PatientFactory(
            clinic=clinic,
            first_name="Ada",
            last_name="Okafor",
            chart_number="HC-300",
            is_active=False,
        ),
        "theirs": PatientFactory(clinic=other_clinic, first_name="Robin", last_name="Okafor"),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"robin", "sam"}),
        ({"q": "okafor"}, {"robin"}),
        ({"q": "HC-200"}, {"sam"}),
        ({"status": "discharged"}, {"ada"}),
        ({"status": "all", "q": "okafor"}, {"robin", "ada"}),
        ({"whose": "mine"}, {"robin"}),
    ],
)
def test_search_and_filters_pick_the_right_patients(staff_client, people, params, expected):
    response = staff_client.get(reverse("patients:patient_list"), params)

    assert names(response) == {str(people[key]) for key in expected}


def test_the_list_uses_the_same_queries_for_5_and_50_patients(staff_client, clinic, therapist):
    counts = []
    for total in (5, 50):
        Patient.objects.all().delete()
        PatientFactory.create_batch(total, clinic=clinic, primary_therapist=therapist)
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("patients:patient_list"))
        assert len(response.context["page_obj"]) == min(total, 25)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_list_is_paginated_and_keeps_its_filters(staff_client, clinic):
    PatientFactory.create_batch(30, clinic=clinic, last_name="Okafor")

    html = staff_client.get(reverse("patients:patient_list"), {"q": "okafor"}).content.decode()

    assert "Page 1 of 2" in html
    assert 'href="?q=okafor&amp;page=2"' in html
