"""A staff user who chose Spanish reads the staff app's pages in Spanish: Today, the patient
list and record, the new-patient form, the library, an exercise, the protocols and the
programme builder. Each page is also opened in English, so every English text the test
looks for is one the page really shows (a misspelt one would make the Spanish check pass
for nothing)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ExerciseFactory,
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    ProtocolItemFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db

# page: (the English a staff user reads there, the same texts in Spanish)
PAGES = {
    "today": (
        [
            ">My active patients<",
            ">Sessions in the last 7 days<",
            ">Reviews due<",
            "Review was due",
            ">Drafts not yet issued<",
            "Last changed",
            ">Recent session logs<",
            ">New patient<",
        ],
        [
            ">Mis pacientes activos<",
            ">Sesiones en los últimos 7 días<",
            ">Revisiones pendientes<",
            "La revisión tocaba el",
            ">Borradores sin emitir<",
            "Último cambio el",
            ">Sesiones registradas recientemente<",
            ">Nuevo paciente<",
        ],
    ),
    "patient_list": (
        [
            ">Name or chart number<",
            ">Whose<",
            ">Chart number<",
            ">Born<",
            ">Everyone in the clinic<",
            ">My patients<",
            ">Active<",
            'aria-label="Find patients"',
        ],
        [
            ">Nombre o número de historia<",
            ">De quién<",
            ">Número de historia<",
            ">Nacimiento<",
            ">Todos los de la clínica<",
            ">Mis pacientes<",
            ">Activo<",
            'aria-label="Buscar pacientes"',
        ],
    ),
    "patient_detail": (
        [
            ">Date of birth<",
            ">Primary therapist<",
            ">Start a new programme<",
            ">Sessions and pain<",
            ">Session log<",
            ">Private link for the patient<",
            ">Create a new link<",
            ">Programmes<",
            ">Handouts issued<",
            "Chart C-",
            ">Outcome measures<",
            ">Pain (0 to 10)<",
            ">Opens for (days)<",
        ],
        [
            ">Fecha de nacimiento<",
            ">Terapeuta principal<",
            ">Empezar un programa de ejercicios nuevo<",
            ">Sesiones y dolor<",
            ">Registro de sesiones<",
            ">Enlace privado para el paciente<",
            ">Crear un enlace nuevo<",
            ">Programas de ejercicios<",
            ">Hojas de ejercicios emitidas<",
            "Historia C-",
            ">Medidas de resultado<",
            ">Dolor (0 a 10)<",
            ">Se abre durante (días)<",
        ],
    ),
    "patient_new": (
        [
            ">New patient<",
            "Active (in care)",
            "Untick when the patient is discharged.",
            "Discharged on",
            ">Save<",
            ">Cancel<",
            "Conditions to take care with",
        ],
        [
            ">Nuevo paciente<",
            "Activo (en tratamiento)",
            "Desmárquelo cuando el paciente",
            "Fecha de alta",
            ">Guardar<",
            ">Cancelar<",
            "Afecciones que requieren precaución",
        ],
    ),
    "exercise_list": (
        [
            ">Exercise library<",
            ">Any kind<",
            ">Any position<",
            ">Any body area<",
            "No floor work",
            ">Filter<",
            ">Kind<",
            ">Difficulty<",
            ">Your clinic<",
        ],
        [
            ">Biblioteca de ejercicios<",
            ">Cualquier tipo<",
            ">Cualquier posición<",
            ">Cualquier zona del cuerpo<",
            "Sin ejercicios en el suelo",
            ">Filtrar<",
            ">Tipo<",
            ">Dificultad<",
            ">Su clínica<",
        ],
    ),
    "exercise_detail": (
        [
            ">Steps<",
            ">Usual dose<",
            ">Conditions to take care with<",
            ">Variations<",
            "Easier:",
            ">Protocols that use it<",
            "your clinic's own",
        ],
        [
            ">Pasos<",
            ">Dosis habitual<",
            ">Afecciones que requieren precaución<",
            ">Variantes<",
            "Más fácil:",
            ">Protocolos que lo usan<",
            "propio de su clínica",
        ],
    ),
    "protocol_list": (
        [">Protocols<", ">Protocol<", ">Condition<", ">Exercises<", ">Find<", ">Your clinic<"],
        [">Protocolos<", ">Protocolo<", ">Afección<", ">Ejercicios<", ">Buscar<", ">Su clínica<"],
    ),
    "programme_builder": (
        [
            "Programme for Jordan",
            ">Add an exercise<",
            ">Move up<",
            ">Move down<",
            ">Save programme<",
            "Find an exercise\n",
            "(drag a row by its handle",
            'title="Drag to reorder"',
            "Rest between sets (seconds)",
            "Times a day\n",
        ],
        [
            "Programa de ejercicios de Jordan",
            ">Añadir un ejercicio<",
            ">Subir<",
            ">Bajar<",
            ">Guardar programa de ejercicios<",
            "Buscar un ejercicio\n",
            "(arrastre una fila",
            'title="Arrastre para reordenar"',
            "Descanso entre series (segundos)",
            "Veces al día\n",
        ],
    ),
}


@pytest.fixture
def urls(clinic, manager):
    """A clinic with one of everything the pages list, and each page's address."""
    today = timezone.localdate()
    patient = PatientFactory(clinic=clinic, first_name="Jordan", primary_therapist=manager)
    exercise = ExerciseFactory(clinic=clinic)
    ExerciseFactory(clinic=clinic, easier_version=exercise)
    protocol = ProtocolFactory(clinic=clinic)
    ProtocolItemFactory(protocol=protocol, exercise=exercise)
    programme = PrescriptionFactory(
        patient=patient,
        therapist=manager,
        status="active",
        start_date=today - datetime.timedelta(days=10),
        review_date=today - datetime.timedelta(days=1),
    )
    PrescriptionItemFactory(prescription=programme, exercise=exercise)
    HandoutFactory(prescription=programme)
    PrescriptionFactory(patient=patient, therapist=manager, title="Unissued", status="draft")
    SessionLogFactory(patient=patient, date=today - datetime.timedelta(days=1), pain=8)
    return {
        "today": reverse("patients:today"),
        "patient_list": reverse("patients:patient_list"),
        "patient_detail": reverse("patients:patient_detail", args=[patient.pk]),
        "patient_new": reverse("patients:patient_new"),
        "exercise_list": reverse("exercises:exercise_list"),
        "exercise_detail": reverse("exercises:exercise_detail", args=[exercise.pk]),
        "protocol_list": reverse("exercises:protocol_list"),
        "programme_builder": reverse("patients:programme_edit", args=[programme.pk]),
    }


def page_for(client, user, url: str, language: str) -> str:
    user.language = language
    user.save()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_a_staff_page_reads_in_spanish_with_none_of_its_english_left(client, manager, urls, name):
    english, spanish = PAGES[name]
    in_english = page_for(client, manager, urls[name], "en")
    assert [text for text in english if text not in in_english] == []

    page = page_for(client, manager, urls[name], "es")

    assert '<html lang="es">' in page
    assert [text for text in spanish if text not in page] == []
    assert [text for text in english if text in page] == []


def test_the_builders_messages_speak_spanish(client, manager, urls):
    """A button press on the builder says what happened, in the user's language."""
    bridge = ExerciseFactory(clinic=manager.clinic, name="Puente de glúteos")
    page_for(client, manager, urls["today"], "es")
    programme = client.get(urls["programme_builder"]).context["programme"]
    add = {
        "action": f"add:{bridge.pk}",
        "title": programme.title,
        "status": programme.status,
        "seen_revision": programme.revision,
        "items-TOTAL_FORMS": 0,
        "items-INITIAL_FORMS": 0,
    }

    page = client.post(urls["programme_builder"], add).content.decode()

    assert "Se añadió Puente de glúteos como ejercicio 1." in page


def test_a_refused_form_says_why_in_spanish(client, manager, urls):
    page_for(client, manager, urls["today"], "es")

    response = client.post(
        urls["patient_new"],
        {
            "chart_number": "C-1",
            "first_name": "Ana",
            "last_name": "Ruiz",
            "date_of_birth": "2999-01-01",
            "is_active": "on",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "La fecha de nacimiento no puede ser futura." in page
    assert "The date of birth cannot be in the future." not in page


def test_a_message_after_a_save_is_in_spanish(client, manager, urls):
    page_for(client, manager, urls["today"], "es")
    data = {"chart_number": "C-2", "first_name": "Ana", "last_name": "Ruiz", "is_active": "on"}

    page = client.post(urls["patient_new"], data, follow=True).content.decode()

    assert "Se añadió a Ana Ruiz." in page
