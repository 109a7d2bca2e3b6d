"""A clinic translates its own exercises in the admin (issue 21 §3): the Spanish it gives
there is what the patient's handout prints, held line for line to the English by the
library's rule; the shared library's translations come from its files and stay as they are.
"""

import pytest
from django.urls import reverse

from exercises.models import ExerciseTranslation
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    SuperuserFactory,
)
from tests.hipclinic.test_admin_pages import admin_url, form_data
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db

PREFIX = "translations"

SPANISH = {
    "language": "es",
    "name": "Puente de glúteos",
    "purpose": "Fortalece los glúteos.",
    "steps": "Túmbese boca arriba con las rodillas dobladas.\nSuba la cadera.",
    "cues": "",
    "precautions": "Pare si le duele la espalda.",
}


@pytest.fixture
def own_exercise(clinic):
    return ExerciseFactory(
        clinic=clinic,
        name="Glute bridge",
        purpose="Strengthens the buttocks.",
        steps="Lie on your back with your knees bent.\nLift your hips.",
        cues="",
        precautions="Stop if your back hurts.",
    )


def with_translation(data: dict, **fields) -> dict:
    """The posted change form with one new translation row added."""
    row = data[f"{PREFIX}-TOTAL_FORMS"]
    data = {**data, f"{PREFIX}-TOTAL_FORMS": str(int(row) + 1)}
    data.update({f"{PREFIX}-{row}-{name}": value for name, value in fields.items()})
    return data


def test_a_manager_translates_their_clinics_exercise_and_the_spanish_preview_prints_it(
    client, manager, own_exercise
):
    client.force_login(manager)
    page = client.get(admin_url(own_exercise))

    response = client.post(admin_url(own_exercise), with_translation(form_data(page), **SPANISH))

    assert response.status_code == 302
    translation = own_exercise.translations.get()
    assert (translation.language, translation.name) == ("es", "Puente de glúteos")
    patient = PatientFactory(clinic=own_exercise.clinic, language="es")
    programme = PrescriptionFactory(patient=patient, therapist=manager)
    PrescriptionItemFactory(prescription=programme, exercise=own_exercise)
    preview = client.post(
        reverse("patients:preview_handout", args=[programme.pk]),
        {"layout": "full", "paper_size": "A4"},
    )
    text = pdf_text(preview.content)
    assert "Puente de glúteos" in text
    assert "Suba la cadera." in text
    assert "Glute bridge" not in text


def test_a_translation_with_a_line_more_than_the_english_is_refused_on_that_field(
    client, manager, own_exercise
):
    client.force_login(manager)
    page = client.get(admin_url(own_exercise))
    three_steps = {**SPANISH, "steps": f"{SPANISH['steps']}\nBájela despacio."}

    response = client.post(
        admin_url(own_exercise), with_translation(form_data(page), **three_steps)
    )

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.errors[0]
    assert errors == {
        "steps": [
            "The original has 2 lines here and this translation has 3: give one line for each."
        ]
    }
    assert not ExerciseTranslation.objects.exists()


def test_a_new_exercise_and_its_translation_are_checked_against_each_other(client, manager):
    client.force_login(manager)
    page = client.get(reverse("admin:exercises_exercise_add"))
    data = form_data(page) | {
        "name": "Glute bridge",
        "slug": "glute-bridge",
        "kind": "strengthening",
        "position": "supine",
        "difficulty": "gentle",
        "purpose": "Strengthens the buttocks.",
        "steps": "Lie on your back.",
        "precautions": "Stop if your back hurts.",
        "hold_unit": "seconds",
    }

    refused = client.post(
        reverse("admin:exercises_exercise_add"), with_translation(data, **SPANISH)
    )
    one_step = {**SPANISH, "steps": "Túmbese boca arriba."}
    added = client.post(reverse("admin:exercises_exercise_add"), with_translation(data, **one_step))

    assert refused.status_code == 200
    assert "this translation has 2: give one line for each" in refused.content.decode()
    assert added.status_code == 302
    assert ExerciseTranslation.objects.get().steps == "Túmbese boca arriba."


@pytest.mark.parametrize("who", ["manager", "superuser"])
def test_a_library_exercises_translation_is_shown_and_left_as_the_files_give_it(
    client, manager, who
):
    user = manager if who == "manager" else SuperuserFactory()
    shared = ExerciseFactory(clinic=None, steps="Lie on your back.", precautions="", cues="")
    ExerciseTranslation.objects.create(
        exercise=shared, language="es", name="Puente", purpose="Fortalece.", steps="Túmbese."
    )
    client.force_login(user)

    page = client.get(admin_url(shared))

    formset = next(
        inline
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is ExerciseTranslation
    )
    assert "Puente" in page.content.decode()
    assert not formset.has_add_permission
    assert not formset.has_change_permission
    assert not formset.has_delete_permission


def test_changing_the_number_of_english_steps_asks_for_the_translation_to_match(
    client, manager, own_exercise
):
    ExerciseTranslation.objects.create(exercise=own_exercise, **SPANISH)
    client.force_login(manager)
    page = client.get(admin_url(own_exercise))
    three_steps = f"{own_exercise.steps}\nLower them slowly."

    response = client.post(admin_url(own_exercise), form_data(page) | {"steps": three_steps})

    assert response.status_code == 200
    assert "The original has 3 lines here and this translation has 2" in response.content.decode()
    own_exercise.refresh_from_db()
    assert len(own_exercise.step_list) == 2


def test_a_spanish_manager_is_told_in_spanish_why_a_translation_is_refused(
    client, manager, own_exercise
):
    manager.language = "es"
    manager.save()
    client.force_login(manager)
    page = client.get(admin_url(own_exercise))
    one_step = {**SPANISH, "steps": "Túmbese boca arriba."}

    response = client.post(admin_url(own_exercise), with_translation(form_data(page), **one_step))

    assert "El original tiene aquí 2 líneas y esta traducción tiene 1" in response.content.decode()
