"""A Spanish-speaking patient on a phone-sized Chromium whose browser asks for English: the
page, its log form, its messages and its safety box are in Spanish, from the record."""

import pytest

from patients.links import link_url
from patients.models import PatientLink
from tests.e2e.conftest import issued_to_kim

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def issued(transactional_db, clinic, therapist, settings, live_server):
    settings.SITE_URL = live_server.url
    return issued_to_kim(clinic, therapist, "Espalda", "Knee hug", language="es")


def test_a_spanish_speaking_patient_reads_and_logs_in_spanish(new_page, issued):
    link = PatientLink.objects.get(patient=issued.prescription.patient)
    phone = new_page(**PHONE)
    phone.goto(link_url(link))

    phone.get_by_role("heading", name="Hola, Kim").wait_for()
    assert phone.locator("html").get_attribute("lang") == "es"
    assert phone.get_by_role("link", name="Bajar su hoja de ejercicios (PDF)").is_visible()
    box = phone.get_by_role("region", name="Pare y llámenos si")
    assert box.get_by_role("heading", name="Busque ayuda médica urgente ahora").count() == 1

    phone.get_by_label("3", exact=True).check()
    phone.get_by_label("¿Algo que quiera decirle a su terapeuta? (si quiere)").fill("Mejor hoy")
    phone.get_by_role("button", name="Guardar la sesión de hoy").click()
    phone.get_by_text("Gracias. Guardamos su sesión de hoy.").wait_for()
    assert issued.prescription.patient.session_logs.get().note == "Mejor hoy"

    calendar = phone.get_by_role("form", name="Agregar a mi calendario")
    for day in calendar.get_by_role("checkbox").all():
        day.uncheck()
    calendar.get_by_role("button", name="Agregar a mi calendario").click()
    phone.get_by_text("No se agregó nada. Elija al menos un día.").wait_for()

    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
