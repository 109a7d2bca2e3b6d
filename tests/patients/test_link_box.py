"""The link box on a patient's record: the current link whole, as the handout's QR code,
and "Email the link" only when there is a link that opens and an address to send it to."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.handouts import qr_svg
from patients.links import create_link, link_url, revoke_link
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

EMAIL_BUTTON = "Email the link to"


@pytest.fixture
def staff(client, therapist):
    client.force_login(therapist)
    return client


def record(client, patient) -> str:
    return client.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()


def test_with_an_open_link_and_an_email_address_the_link_can_be_emailed(staff, clinic, therapist):
    patient = PatientFactory(clinic=clinic, email="robin@example.com")
    create_link(patient, therapist)

    assert f"{EMAIL_BUTTON} robin@example.com" in record(staff, patient)


def test_without_a_link_there_is_nothing_to_email(staff, clinic):
    patient = PatientFactory(clinic=clinic, email="robin@example.com")

    html = record(staff, patient)

    assert EMAIL_BUTTON not in html
    assert 'id="current-link"' not in html


def test_with_only_a_revoked_link_there_is_nothing_to_email(staff, clinic, therapist):
    patient = PatientFactory(clinic=clinic, email="robin@example.com")
    revoke_link(create_link(patient, therapist), therapist)

    html = record(staff, patient)

    assert EMAIL_BUTTON not in html
    assert 'id="current-link"' not in html


def test_without_an_email_address_the_link_shows_but_cannot_be_emailed(staff, clinic, therapist):
    patient = PatientFactory(clinic=clinic, email="")
    link = create_link(patient, therapist)

    html = record(staff, patient)

    assert EMAIL_BUTTON not in html
    assert (
        f'<code class="d-block text-break user-select-all" id="current-link">{link_url(link)}</code>'
        in html
    )


def test_the_newest_open_link_is_shown_whole_with_the_handouts_qr_code(staff, clinic, therapist):
    patient = PatientFactory(clinic=clinic)
    create_link(patient, therapist)
    newest = create_link(patient, therapist)

    html = record(staff, patient)

    shown = re.search(r'id="current-link">([^<]+)</code>', html).group(1)
    assert shown == link_url(newest)
    assert qr_svg(link_url(newest)) in html
    assert "Copy the link" in html


def test_a_discharged_patients_link_is_neither_shown_nor_emailed(staff, clinic, therapist):
    patient = PatientFactory(clinic=clinic, email="robin@example.com")
    create_link(patient, therapist)
    patient.is_active = False
    patient.discharged_on = timezone.localdate()
    patient.save()

    html = record(staff, patient)

    assert EMAIL_BUTTON not in html
    assert 'id="current-link"' not in html
