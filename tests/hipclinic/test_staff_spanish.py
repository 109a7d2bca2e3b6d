"""A staff user who chose Spanish reads the staff app's pages in Spanish: Today, the patient
list and record, the new-patient form, the library, an exercise, the protocols, the
programme builder and the programme page; and, before signing in, the login and lock-out
pages in the browser's language. The words our JavaScript shows come from the JavaScript
catalogue, in Spanish too. Each page is also opened in English, so every English text the test
looks for is one the page really shows (a misspelt one would make the Spanish check pass
for nothing)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Handout
from tests.factories import (
    PASSWORD,
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
    "programme_detail": (
        [
            ">Edit programme<",
            ">Prescribing therapist<",
            ">Start date<",
            ">General instructions<",
            "The full sheet: every exercise with its drawing and steps",
            ">Issued handouts<",
            ">Issued by<",
            ">Printed as<",
            ">Full sheet · A4<",
            ">Download version 1<",
            ">Note for the chart<",
            'data-copied="Copied the note."',
            ">Copy as text<",
            ">Download as text<",
            "handout version 1 issued 4 Dec 2026",
        ],
        [
            ">Editar el programa<",
            ">Fisioterapeuta que lo prescribe<",
            ">Fecha de inicio<",
            ">Indicaciones generales<",
            "La hoja completa: cada ejercicio con su dibujo y sus pasos",
            ">Hojas de ejercicios emitidas<",
            ">Entregada por<",
            ">Impresa como<",
            ">Hoja completa · A4<",
            ">Descargar la versión 1<",
            ">Nota para la historia<",
            'data-copied="Nota copiada."',
            ">Copiar como texto<",
            ">Descargar como texto<",
            # Spanish months are lowercase, short or long: "dic", never "Dic".
            "hoja de ejercicios versión 1 emitida el 4 dic 2026",
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
    handout = HandoutFactory(prescription=programme, revision=1)
    # Issued on a day in December, whose short name Spanish writes lowercase.
    issued = datetime.datetime(2026, 12, 4, 12, tzinfo=datetime.UTC)
    Handout.objects.filter(pk=handout.pk).update(issued_at=issued)
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
        "programme_detail": reverse("patients:programme_detail", args=[programme.pk]),
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


def test_a_list_says_which_page_in_spanish(client, clinic, manager):
    PatientFactory.create_batch(51, clinic=clinic)  # three pages of 25
    page_for(client, manager, reverse("patients:today"), "en")
    in_english = client.get(reverse("patients:patient_list"), {"page": 2}).content.decode()
    assert ">Page 2 of 3<" in in_english and ">Previous<" in in_english

    page = page_for(client, manager, reverse("patients:patient_list") + "?page=2", "es")

    assert ">Página 2 de 3<" in page
    assert ">Anterior<" in page and ">Siguiente<" in page
    assert 'aria-label="Páginas"' in page
    assert ">Page 2 of 3<" not in page


SIGN_IN = (
    [">Log in to hipclinic<", "<title>Log in ·", ">Forgot your password?<"],
    [">Iniciar sesión en hipclinic<", "<title>Iniciar sesión ·", ">¿Olvidó su contraseña?<"],
)


@pytest.mark.parametrize(("language", "expected"), [("en", SIGN_IN[0]), ("es", SIGN_IN[1])])
def test_the_login_page_speaks_the_browsers_language(client, language, expected):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert [text for text in expected if text not in page] == []


def test_a_wrong_password_is_refused_in_spanish(client, therapist):
    response = client.post(
        reverse("login"),
        {"username": therapist.username, "password": "not the password"},
        HTTP_ACCEPT_LANGUAGE="es",
    )

    page = response.content.decode()
    assert "Ese nombre de usuario y esa contraseña no corresponden a ninguna cuenta." in page
    assert "do not match an account" not in page


def test_the_lock_out_page_speaks_spanish_and_points_to_a_new_password(client, therapist, settings):
    def attempt(password):
        return client.post(
            reverse("login"),
            {"username": therapist.username, "password": password},
            HTTP_ACCEPT_LANGUAGE="es",
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("not the password")

    locked = attempt(PASSWORD)

    page = locked.content.decode()
    assert locked.status_code == 429
    assert ">Esta cuenta está bloqueada por ahora<" in page
    assert f"Hubo {settings.AXES_FAILURE_LIMIT} contraseñas incorrectas seguidas" in page
    assert "durante los próximos 15 minutos." in page
    assert f'<a href="{reverse("password_reset")}">¿Olvidó su contraseña?</a>' in page
    assert ">Volver a la página de inicio de sesión<" in page
    assert "locked for now" not in page


def test_the_javascript_catalogue_gives_the_scripts_their_spanish(client, manager, urls):
    builder = page_for(client, manager, urls["programme_builder"], "es")
    catalogue = reverse("javascript_catalog")
    # Loaded as a file (the Content-Security-Policy refuses inline scripts), before builder.js.
    assert builder.index(f'<script src="{catalogue}?language=es">') < builder.index(
        "patients/builder.js"
    )

    response = client.get(f"{catalogue}?language=es")

    script = response.content.decode()
    # The browser keeps it an hour; the address names the language, so never another's.
    assert "max-age=3600" in response["Cache-Control"]

    assert "Movido a la posici\\u00f3n %s. Guarde para conservar el nuevo orden." in script
    assert "Enlace copiado." in script
