"""Creating and editing patients: each rule says what is wrong in plain words and saves nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hipclinic.models import AuditAction, AuditEvent
from patients.models import Patient
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "chart_number": "HC-1001",
    "first_name": "Robin",
    "last_name": "Okafor",
    "date_of_birth": "1961-04-02",
    "email": "robin@example.com",
    "is_active": "on",
}


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


def post_new(client, **changes):
    return client.post(reverse("patients:patient_new"), {**GOOD, **changes})


def test_a_new_patient_belongs_to_the_users_clinic_and_is_audited(staff_client, therapist):
    response = post_new(staff_client, clinic=999)

    patient = Patient.objects.get(chart_number="HC-1001")
    assert response["Location"] == reverse("patients:patient_detail", args=[patient.pk])
    assert patient.clinic == therapist.clinic
    assert AuditEvent.objects.filter(action=AuditAction.CREATED, target_id=str(patient.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"date_of_birth": "{tomorrow}"},
            "The date of birth cannot be in the future.",
        ),
        ({"date_of_birth": "1850-01-01"}, "Check the year: the date of birth is before 1900."),
        ({"date_of_birth": "2 April"}, "Enter a valid date."),
        ({"email": "robin@"}, "Enter an email address like name@example.com."),
        ({"chart_number": ""}, "This field is required."),
        ({"last_name": ""}, "This field is required."),
        (
            {"discharged_on": "2026-01-05"},
            "An active patient has no discharge date: clear it, or untick Active.",
        ),
        (
            {
                "is_active": "",
                "discharged_on": "{in_three_days}",
            },
            "The discharge date cannot be in the future.",
        ),
    ],
)
def test_each_rule_refuses_with_a_plain_message(staff_client, changes, message):
    # Dates to come are worked out as the test runs, not when it is collected (a run
    # that crosses midnight would otherwise post today's date as tomorrow's).
    today = timezone.localdate()
    days_to_come = {
        "tomorrow": today + datetime.timedelta(days=1),
        "in_three_days": today + datetime.timedelta(days=3),
    }
    changes = {
        name: value.format(**{k: v.isoformat() for k, v in days_to_come.items()})
        for name, value in changes.items()
    }

    response = post_new(staff_client, **changes)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Patient.objects.exists()


def test_a_chart_number_is_unique_in_the_clinic(staff_client, clinic):
    PatientFactory(clinic=clinic, chart_number="HC-1001")

    response = post_new(staff_client, chart_number="hc-1001")

    assert "Another patient in this clinic has this chart number." in response.content.decode()
    assert Patient.objects.count() == 1


def test_another_clinic_may_use_the_same_chart_number(staff_client, other_clinic):
    PatientFactory(clinic=other_clinic, chart_number="HC-1001")

    response = post_new(staff_client)

    assert response.status_code == 302
    assert Patient.objects.filter(chart_number="HC-1001").count() == 2


def test_unticking_active_records_todays_discharge(staff_client, clinic):
    patient = PatientFactory(clinic=clinic, chart_number="HC-1001")

    staff_client.post(
        reverse("patients:patient_edit", args=[patient.pk]),
        {**GOOD, "is_active": ""},
    )

    patient.refresh_from_db()
    assert (patient.is_active, patient.discharged_on) == (False, timezone.localdate())


def test_editing_keeps_its_own_chart_number_and_is_audited(staff_client, clinic):
    patient = PatientFactory(clinic=clinic, chart_number="HC-1001")

    response = staff_client.post(
        reverse("patients:patient_edit", args=[patient.pk]), {**GOOD, "phone": "555 0199"}
    )

    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.phone == "555 0199"
    assert AuditEvent.objects.filter(action=AuditAction.CHANGED, target_id=str(patient.pk)).exists()


def test_only_the_clinics_staff_can_be_primary_therapist(staff_client, other_clinic):
    outsider = UserFactory(clinic=other_clinic)

    response = post_new(staff_client, primary_therapist=outsider.pk)

    assert "Select a valid choice" in response.content.decode()
    assert not Patient.objects.exists()
