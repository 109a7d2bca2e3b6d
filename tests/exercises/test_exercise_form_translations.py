"""A manager gives their clinic's own exercise its Spanish on the exercise's own page, as in
the admin (issue 21 §3): held line for line to the English as posted beside it, optional
as a whole, and shown on the exercise's page.
"""

import pytest
from django.urls import reverse

from exercises.models import Exercise, ExerciseTranslation
from exercises.patient_text import untranslated
from tests.exercises.test_library_views import NEW, login
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db

SPANISH = {
    "translation-es-name": "Paso lateral con banda",
    "translation-es-purpose": "Fortalece el costado de la cadera.",
    "translation-es-steps": "Póngase la banda alrededor de las rodillas.\nDé un paso al costado.",
    "translation-es-cues": "",
    "translation-es-precautions": "",
}
EMPTY = dict.fromkeys(SPANISH, "")


def test_a_new_exercise_is_saved_with_its_spanish(client, manager):
    response = login(client, manager).post(reverse("exercises:exercise_new"), {**NEW, **SPANISH})

    exercise = Exercise.objects.get(name="Banded side step")
    assert response.status_code == 302
    spanish = exercise.translations.get(language="es")
    assert spanish.name == "Paso lateral con banda"
    assert spanish.step_list == [
        "Póngase la banda alrededor de las rodillas.",
        "Dé un paso al costado.",
    ]
    assert untranslated([exercise], "es") == []
    page = client.get(reverse("exercises:exercise_detail", args=[exercise.pk])).content.decode()
    assert '<div class="exercise-translation" lang="es">' in page
    assert "<li>Dé un paso al costado.</li>" in page
    assert "<p>Haga 2 tandas de 12 veces.</p>" in page  # the usual dose, in Spanish


def test_left_empty_there_is_no_translation_and_the_page_says_it_prints_in_english(client, manager):
    login(client, manager).post(reverse("exercises:exercise_new"), {**NEW, **EMPTY})

    exercise = Exercise.objects.get(name="Banded side step")
    assert not exercise.translations.exists()
    assert untranslated([exercise], "es") == ["Banded side step"]
    page = client.get(reverse("exercises:exercise_detail", args=[exercise.pk])).content.decode()
    assert "No Spanish text yet: a handout in Spanish prints this exercise in English" in page


def test_a_translation_with_a_step_missing_is_refused_and_nothing_is_saved(client, manager):
    one_step = {**SPANISH, "translation-es-steps": "Póngase la banda alrededor de las rodillas."}

    response = login(client, manager).post(reverse("exercises:exercise_new"), {**NEW, **one_step})

    assert response.status_code == 200
    assert (
        "The original has 2 lines here and this translation has 1: give one line for each."
        in response.content.decode()
    )
    assert not Exercise.objects.filter(name="Banded side step").exists()
    assert not ExerciseTranslation.objects.exists()


def test_a_translation_begun_needs_its_name_and_purpose(client, manager):
    steps_only = {**EMPTY, "translation-es-steps": SPANISH["translation-es-steps"]}

    response = login(client, manager).post(reverse("exercises:exercise_new"), {**NEW, **steps_only})

    page = response.content.decode()
    assert page.count("This field is required.") == 2
    assert 'id="error_1_id_translation-es-name"' in page
    assert 'id="error_1_id_translation-es-purpose"' in page
    assert not Exercise.objects.filter(name="Banded side step").exists()


@pytest.fixture
def translated(manager):
    exercise = ExerciseFactory(
        clinic=manager.clinic,
        name="Banded side step",
        steps=NEW["steps"],
        cues="",
        precautions="",
    )
    ExerciseTranslation.objects.create(
        exercise=exercise,
        language="es",
        name=SPANISH["translation-es-name"],
        purpose=SPANISH["translation-es-purpose"],
        steps=SPANISH["translation-es-steps"],
    )
    return exercise


def test_the_edit_form_holds_the_spanish_kept(client, manager, translated):
    page = login(client, manager).get(reverse("exercises:exercise_edit", args=[translated.pk]))

    body = page.content.decode()
    assert 'value="Paso lateral con banda"' in body
    assert 'lang="es"' in body
    assert "For patients who read Spanish" in body


def test_an_english_step_added_without_its_spanish_is_refused(client, manager, translated):
    three_steps = NEW["steps"] + "\nStep back again."

    response = login(client, manager).post(
        reverse("exercises:exercise_edit", args=[translated.pk]),
        {**NEW, "steps": three_steps, **SPANISH},
    )

    assert response.status_code == 200
    assert "The original has 3 lines here and this translation has 2" in response.content.decode()
    translated.refresh_from_db()
    assert len(translated.step_list) == 2  # nothing saved


def test_clearing_the_spanish_removes_it(client, manager, translated):
    response = login(client, manager).post(
        reverse("exercises:exercise_edit", args=[translated.pk]), {**NEW, **EMPTY}
    )

    assert response.status_code == 302
    assert not translated.translations.exists()


def test_the_spanish_is_changed_with_the_english(client, manager, translated):
    response = login(client, manager).post(
        reverse("exercises:exercise_edit", args=[translated.pk]),
        {
            **NEW,
            "steps": NEW["steps"] + "\nStep back again.",
            **SPANISH,
            "translation-es-steps": SPANISH["translation-es-steps"] + "\nVuelva al centro.",
        },
    )

    assert response.status_code == 302
    spanish = translated.translations.get()
    assert spanish.step_list[-1] == "Vuelva al centro."
    assert ExerciseTranslation.objects.count() == 1


def test_a_spanish_manager_reads_the_section_in_spanish(client, manager):
    manager.language = "es"
    manager.save()

    page = login(client, manager).get(reverse("exercises:exercise_new")).content.decode()

    assert "Para pacientes que leen español" in page
