"""A staff user who chose Spanish reads the admin in Spanish (issue 21 §1): the section
names, the lists' columns and filters, the forms' labels, sections and help, the choices,
and the messages after an action. Django's own words come from Django's Spanish; ours
from locale/es. Each page is also opened in English, so every English text looked for
is one the page really shows: an English user's admin reads as it did."""

import pytest
from django.urls import reverse

from exercises.models import Exercise
from hipclinic.models import Clinic, User
from patients.models import Patient, Prescription
from tests.factories import (
    ExerciseFactory,
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
)
from tests.hipclinic.test_admin_pages import admin_url, changelist_url
from tests.hipclinic.test_staff_spanish import page_for

pytestmark = pytest.mark.django_db

# page: (the English a manager reads there, the same texts in Spanish)
PAGES = {
    "index": (
        [">Clinics and staff<", ">Exercise library<", ">Patients and programmes<", ">Programmes<"],
        [
            ">Clínicas y personal<",
            ">Biblioteca de ejercicios<",
            ">Pacientes y programas de ejercicios<",
            ">Programas de ejercicios<",
        ],
    ),
    "exercise_list": (
        [
            ">Body position<",
            ">Shared library<",
            ">Strengthening<",
            ">Lying on your side<",
            "Archive selected (hide from new programmes)",
        ],
        [
            ">Posición del cuerpo<",
            ">Biblioteca compartida<",
            ">Fortalecimiento<",
            ">Tumbado de lado<",
            "Archivar los seleccionados (ocultarlos en programas nuevos)",
        ],
    ),
    "exercise": (
        [
            ">Classification<",
            ">What the patient reads<",
            ">Default dose<",
            ">Purpose:<",
            ">Coaching cues:<",
            ">Build up to:<",
            "One step per line, in order.",
            ">Hip replacement, posterior approach<",
            ">each side<",
            "Translations for patients",
        ],
        [
            ">Clasificación<",
            ">Lo que lee el paciente<",
            ">Dosis habitual<",
            ">Para qué sirve:<",
            ">Indicaciones para el paciente:<",
            ">Aumentar hasta:<",
            "Un paso por línea, en orden.",
            ">Prótesis de cadera, abordaje posterior<",
            ">de cada lado<",
            "Traducciones para los pacientes",
        ],
    ),
    "patient_list": (
        [">Chart number<", ">Primary therapist<", ">Condition<"],
        [">Número de historia<", ">Terapeuta principal<", ">Afección<"],
    ),
    "patient": (
        [
            ">Chart number:<",
            ">Last name:<",
            ">Care<",
            ">Large-print handouts<",
            "Handouts, the patient's page, emails and reminders use this language.",
            ">New empty programme<",
        ],
        [
            ">Número de historia:<",
            ">Apellidos:<",
            ">Atención<",
            ">Hojas de ejercicios en letra grande<",
            "Las hojas de ejercicios, la página del paciente, los correos y los recordatorios "
            "usan este idioma.",
            ">Nuevo programa de ejercicios vacío<",
        ],
    ),
    "programme_list": (
        [
            ">Prescribing therapist<",
            ">Review date<",
            ">Times saved<",
            ">Draft<",
            ">Start from a protocol<",
            "Issue handouts for the selected programmes",
        ],
        [
            ">Terapeuta que prescribe<",
            ">Fecha de revisión<",
            ">Veces guardado<",
            ">Borrador<",
            ">Crear a partir de un protocolo<",
            "Emitir hojas de ejercicios de los programas seleccionados",
        ],
    ),
    "programme": (
        [
            ">For the patient<",
            ">General instructions:<",
            ">Note for this patient:<",
            ">The patient reads:<",
            "Issued handouts",
            ">Download version 1<",
            ">Preview handout<",
            ">Issue handout<",
            'title="Move to first position"',
        ],
        [
            ">Para el paciente<",
            ">Instrucciones generales:<",
            ">Nota para este paciente:<",
            ">El paciente lee:<",
            "Hojas de ejercicios emitidas",
            ">Descargar la versión 1<",
            ">Vista previa de la hoja de ejercicios<",
            ">Entregar la hoja<",
            'title="Mover a la primera posición"',
        ],
    ),
    "clinic": (
        [
            ">Pain alerts and reminders<",
            ">Patients&#x27; language:<",
            ">Alert at a pain score of:<",
            ">Handout footer:<",
            ">Letter<",
            "Printed at the end of every handout, for example opening hours.",
        ],
        [
            ">Alertas de dolor y recordatorios<",
            ">Idioma de los pacientes:<",
            ">Alertar con una puntuación de dolor de:<",
            ">Pie de la hoja de ejercicios:<",
            ">Carta<",
            "Se imprime al final de cada hoja de ejercicios, por ejemplo el horario de atención.",
        ],
    ),
    "user_list": (
        [">Display name<", ">Clinic manager<", "Deactivate selected users"],
        [">Nombre para mostrar<", ">Responsable de la clínica<", "Desactivar los usuarios"],
    ),
    "user": (
        [">Personal info<", ">Display name:<", ">Credentials:<", ">Therapist<"],
        [">Información personal<", ">Nombre para mostrar:<", ">Titulación:<", ">Terapeuta<"],
    ),
}


@pytest.fixture
def urls(clinic, manager):
    """A clinic with one of everything the pages list, and each page's address."""
    UserFactory(clinic=clinic, display_name="Sam Colleague")
    patient = PatientFactory(clinic=clinic, primary_therapist=manager, condition="Hip pain")
    exercise = ExerciseFactory(clinic=clinic, side="each")
    programme = PrescriptionFactory(patient=patient, therapist=manager, status="draft")
    PrescriptionItemFactory(prescription=programme, exercise=exercise)
    HandoutFactory(prescription=programme, revision=1)
    return {
        "index": reverse("admin:index"),
        "exercise_list": changelist_url(Exercise),
        "exercise": admin_url(exercise),
        "patient_list": changelist_url(Patient),
        "patient": admin_url(patient),
        "programme_list": changelist_url(Prescription),
        "programme": admin_url(programme),
        "clinic": admin_url(clinic),
        "user_list": changelist_url(User),
        "user": admin_url(manager),
    }


@pytest.mark.parametrize("name", PAGES)
def test_an_admin_page_reads_in_spanish_with_none_of_its_english_left(client, manager, urls, name):
    english, spanish = PAGES[name]
    in_english = page_for(client, manager, urls[name], "en")
    assert [text for text in english if text not in in_english] == []

    page = page_for(client, manager, urls[name], "es")

    assert '<html lang="es"' in page
    assert [text for text in spanish if text not in page] == []
    assert [text for text in english if text in page] == []


def test_an_admin_action_says_what_it_did_in_spanish(client, manager, urls):
    colleague = User.objects.get(display_name="Sam Colleague")
    page_for(client, manager, urls["user_list"], "es")

    response = client.post(
        urls["user_list"],
        {"action": "deactivate", "_selected_action": [colleague.pk]},
        follow=True,
    )

    assert "Se desactivó 1 usuario." in response.content.decode()


def test_a_refused_admin_form_says_why_in_spanish(client, manager, urls):
    programme = Prescription.objects.get()
    page_for(client, manager, urls["clinic"], "es")
    clinic = Clinic.objects.get()

    response = client.post(
        admin_url(clinic),
        {"name": clinic.name, "timezone": "UTC", "language": "en", "alert_pain_at": 11},
    )

    assert programme.patient.clinic == clinic
    assert "Asegúrese de que este valor es menor o igual a 10." in response.content.decode()
