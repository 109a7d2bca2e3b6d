"""The app speaks its reader's language: a staff user's own choice, else their browser's;
a patient's pages speak the patient's language whatever the browser asks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from hipclinic.models import User
from patients.links import create_link, link_path
from tests.factories import HandoutFactory, PatientFactory, PrescriptionFactory

pytestmark = pytest.mark.django_db

SPANISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def today_page(client, **headers):
    response = client.get(reverse("patients:today"), **headers)
    assert response.status_code == 200
    return response


def test_a_staff_user_who_chose_spanish_gets_spanish_whatever_the_browser(client, therapist):
    therapist.language = "es"
    therapist.save()
    client.force_login(therapist)

    response = today_page(client, **ENGLISH_BROWSER)

    page = response.content.decode()
    assert '<html lang="es">' in page
    assert ">Pacientes</a>" in page
    assert ">Cerrar sesión</button>" in page
    assert response["Content-Language"] == "es"


def test_without_a_choice_the_browser_chooses(client, therapist):
    client.force_login(therapist)

    assert ">Pacientes</a>" in today_page(client, **SPANISH_BROWSER).content.decode()
    assert ">Patients</a>" in today_page(client, **ENGLISH_BROWSER).content.decode()


def test_without_a_choice_or_a_browser_language_the_app_is_in_english(client, therapist):
    client.force_login(therapist)

    response = today_page(client)

    assert '<html lang="en">' in response.content.decode()
    assert response["Vary"].count("Accept-Language") == 1


def test_choosing_a_language_keeps_it_on_the_account_and_shows_the_same_page(client, therapist):
    client.force_login(therapist)
    patients = reverse("patients:patient_list")

    response = client.post(reverse("choose_language"), {"language": "es", "next": patients})

    assert response.status_code == 302
    assert response["Location"] == patients
    assert User.objects.get(pk=therapist.pk).language == "es"
    assert ">Hoy</a>" in client.get(patients, **ENGLISH_BROWSER).content.decode()


def test_choosing_the_browsers_language_again_clears_the_choice(client, therapist):
    therapist.language = "es"
    therapist.save()
    client.force_login(therapist)

    client.post(reverse("choose_language"), {"language": "", "next": "/"})

    assert User.objects.get(pk=therapist.pk).language == ""


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/", "patients/"])
def test_choosing_a_language_never_sends_you_off_the_site(client, therapist, back):
    client.force_login(therapist)

    response = client.post(reverse("choose_language"), {"language": "es", "next": back})

    assert response["Location"] == reverse("patients:today")


def test_a_language_the_app_does_not_have_is_refused_and_nothing_changes(client, therapist):
    client.force_login(therapist)

    client.post(reverse("choose_language"), {"language": "xx", "next": "/"})

    assert User.objects.get(pk=therapist.pk).language == ""


def test_a_patients_page_speaks_the_patients_language_not_the_browsers(client, clinic, therapist):
    patient = PatientFactory(clinic=clinic, first_name="Lucía", language="es")
    HandoutFactory(prescription=PrescriptionFactory(patient=patient, therapist=therapist))
    link = create_link(patient, therapist)

    response = client.get(link_path(link), **ENGLISH_BROWSER)

    page = response.content.decode()
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in page
    assert "Hola, Lucía" in page
    assert "Hoy hice mis ejercicios" in page
    assert "Guardar la sesión de hoy" in page
    assert "¿Cuánto dolor tuvo? (0 = nada, 10 = el peor)" in page


def test_a_log_saved_in_spanish_is_thanked_in_spanish(client, clinic, therapist):
    patient = PatientFactory(clinic=clinic, language="es")
    HandoutFactory(prescription=PrescriptionFactory(patient=patient, therapist=therapist))
    link = create_link(patient, therapist)

    response = client.post(link_path(link), {"pain": "2", "note": ""}, follow=True)

    assert "Gracias. Guardamos su sesión de hoy." in response.content.decode()
    assert patient.session_logs.get().pain == 2


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "4 December 2026",
                "4 December 2026, 09:05",
                "4 Dec 2026",
                "4 Dec 2026, 09:05",
                "4 Dec",
            ],
        ),
        # Spanish months are lowercase, short ones too: "dic", never "Dic".
        (
            "es",
            [
                "4 de diciembre de 2026",
                "4 de diciembre de 2026, 09:05",
                "4 dic 2026",
                "4 dic 2026, 09:05",
                "4 dic",
            ],
        ),
    ],
)
def test_dates_write_the_month_as_each_language_does(language, expected):
    moment = datetime.datetime(2026, 12, 4, 9, 5)
    formats = [
        "DATE_FORMAT",
        "DATETIME_FORMAT",
        "SHORT_DATE_FORMAT",
        "SHORT_DATETIME_FORMAT",
        "MONTH_DAY_FORMAT",
    ]

    with translation.override(language):
        written = [date_format(moment, name) for name in formats]

    assert written == expected
