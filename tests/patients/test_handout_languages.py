"""The handout in the patient's language (issue 21 §2): its fixed text, dose sentences,
dates and exercises in Spanish; an exercise without a translation in English with a note;
the language chosen, kept with the issued version and printed the same ever after.

Every assertion reads the real PDF (pypdf) or the page staff see. The Spanish exercise
texts are made here, not taken from the shipped library.
"""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse

from exercises.dosing import dose_sentence
from exercises.models import Condition, ExerciseTranslation
from patients import handouts
from patients.models import Handout
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.pdfs import pdf_text, reader

pytestmark = pytest.mark.django_db

ISSUED_ON = datetime.date(2026, 11, 23)

# Two exercises share a "take care" line (printed once, before the exercises) and each has
# its own stop rule (printed with it), in English and in Spanish, line for line.
SHARED = "Keep your back flat on the floor."
SHARED_ES = "Mantenga la espalda apoyada en el suelo."
EXERCISES = [
    {
        "name": "Knee to chest stretch",
        "purpose": "Eases the low back.",
        "steps": "Lie on your back.\nPull one knee to your chest.",
        "cues": "Breathe out as you pull.",
        "precautions": f"{SHARED}\nStop if you feel pain down your leg.",
        "es": {
            "name": "Estiramiento de rodilla al pecho",
            "purpose": "Alivia la parte baja de la espalda.",
            "steps": "Túmbese boca arriba.\nLleve una rodilla hacia el pecho.",
            "cues": "Suelte el aire mientras tira.",
            "precautions": f"{SHARED_ES}\nPare si nota dolor que le baja por la pierna.",
        },
        "dose": {"hold": 30, "sets": 3, "side": "each", "times_per_day": 1, "days_per_week": 5},
    },
    {
        "name": "Bridge",
        "purpose": "Strengthens the buttocks.",
        "steps": "Lie on your back with knees bent.\nLift your hips.\nLower them slowly.",
        "cues": "",
        "precautions": f"Stop if your back hurts more.\n{SHARED}",
        "es": {
            "name": "Puente",
            "purpose": "Fortalece los glúteos.",
            "steps": "Túmbese boca arriba con las rodillas dobladas.\nSuba la cadera.\n"
            "Bájela despacio.",
            "cues": "",
            "precautions": f"Pare si le duele más la espalda.\n{SHARED_ES}",
        },
        "dose": {"reps": 10, "sets": 2, "side": "both", "rest_seconds": 30, "times_per_day": 2},
    },
]


@pytest.fixture
def patient(clinic, therapist):
    clinic.name = "Clínica Norte"
    clinic.address = "Calle Mayor 12\nValencia"
    clinic.phone = "+34 961 234 567"
    clinic.email = "hola@clinicanorte.es"
    clinic.save()
    return PatientFactory(
        clinic=clinic,
        first_name="María",
        last_name="Okafor",
        date_of_birth=datetime.date(1961, 3, 14),
        primary_therapist=therapist,
        language="es",
        conditions=[Condition.PREGNANCY],
    )


def a_programme(patient, therapist, exercises=EXERCISES, *, translated=True):
    therapist.display_name = "Ana Ruiz"
    therapist.save()
    prescription = PrescriptionFactory(
        patient=patient,
        therapist=therapist,
        title="Programa para la espalda",
        instructions="Camine un poco antes de empezar.",
        review_date=ISSUED_ON + datetime.timedelta(days=28),
    )
    for order, values in enumerate(exercises):
        exercise = ExerciseFactory(
            clinic=patient.clinic,
            **{field: values[field] for field in ("name", "purpose", "steps", "cues")},
            precautions=values["precautions"],
        )
        if translated:
            ExerciseTranslation.objects.create(exercise=exercise, language="es", **values["es"])
        PrescriptionItemFactory(
            prescription=prescription,
            exercise=exercise,
            order=order,
            note="Sin prisa.",
            **{"sets": None, "reps": None, **values["dose"]},
        )
    return prescription


@pytest.fixture
def programme(patient, therapist):
    return a_programme(patient, therapist)


def render(prescription, **choice):
    return handouts.render_handout(
        prescription, issued_on=ISSUED_ON, patient_url="https://example.test/p/x", **choice
    )


def test_a_spanish_handout_prints_spanish_headings_doses_names_and_steps(programme):
    text = pdf_text(render(programme, layout="summary_full").pdf)

    for heading in [
        "Sus ejercicios de un vistazo",
        "Tenga cuidado con estos ejercicios",
        "Consejos",
        "Nota de su fisioterapeuta:",
        "Su registro de ejercicios",
        "Pare y llámenos si",
        "Busque ayuda médica urgente ahora",
        "Su fisioterapeuta",
        "Fecha de entrega",
        "Fecha de revisión",
        "Antes de empezar",
        "Escanee este código con su teléfono",
        "Página 1 de",
        "Llame a Clínica Norte al +34 961 234 567.",
        "está embarazada y el dolor en la pelvis",
    ]:
        assert heading in text
    for item in programme.items.all():
        translation = item.exercise.translations.get()
        assert dose_sentence(item, "es") in text
        assert translation.name in text
        for step in translation.step_list:
            assert step in text
    assert "Mantenga la posición durante 30 segundos. Hágalo 3 veces de cada lado." in text
    assert "Haga 2 tandas de 10 veces. Descanse 30 segundos entre tandas." in text


def test_a_spanish_handout_prints_its_dates_in_spanish(programme):
    text = pdf_text(render(programme).pdf)

    assert "Fecha de entrega 23 de noviembre de 2026" in text
    assert "María Okafor, fecha de nacimiento: 14 de marzo de 1961" in text
    assert "21 de diciembre de 2026" in text
    assert "Semana 1: del 23 nov al 29 nov" in text


def english_fixed_text(prescription) -> list[str]:
    """The handout's fixed English words, checked to be in the English handout of the
    same programme: so the list below can only name text the handout really prints."""
    return [
        "Your exercises at a glance",
        "Take care with these exercises",
        "Take care",
        "these, and the list at the start",
        "Tips",
        "Note from your therapist",
        "Your exercise log",
        "Tick the box for each day",
        "Bring this page to your next visit",
        "Week",
        "to",
        "Stop and call us if",
        "an exercise causes sharp pain",
        "worse the next morning",
        "pain spreads down your leg",
        "short of breath",
        "as well as back pain",
        "losing weight without trying",
        "after a fall or an injury",
        "you have had cancer",
        "pubic bone",
        "Get urgent medical help now",
        "Call your emergency number",
        "numbness around your bottom",
        "pass urine",
        "drags or slaps",
        "in both legs",
        "while you are pregnant",
        "Call Clínica Norte on",
        "Scan with your phone",
        "For",
        "born",
        "Your therapist",
        "Date issued",
        "version",
        "Review date",
        "Before you start",
        "Your clinic",
        "Phone",
        "Email",
        "Page",
        "issued",
        "Exercises 1 and 2",
        "November",
        "March",
        "Mon",
        "Hold for",
        "Do this",
        "each side",
        "sets of",
        "Rest for",
        "a day",
        "a week",
    ]


def test_no_english_fixed_text_remains_on_a_spanish_handout(programme):
    english = render(programme, layout="summary_full", language="en", revision=2)
    spanish = render(programme, layout="summary_full", revision=2)
    english, spanish = pdf_text(english.pdf), pdf_text(spanish.pdf)

    fixed = english_fixed_text(programme)
    assert [words for words in fixed if not says(english, words)] == []
    assert [words for words in fixed if says(spanish, words)] == []


def says(text: str, words: str) -> bool:
    """Whether ``text`` holds ``words`` as words ("For" is not in "Fortalece")."""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def test_the_shared_caution_is_printed_once_in_spanish_and_each_stop_rule_stays(programme):
    text = pdf_text(render(programme).pdf)

    assert f"Ejercicios 1 y 2: {SHARED_ES}" in text
    assert text.count(SHARED_ES) == 1
    assert "Pare si nota dolor que le baja por la pierna." in text
    assert "Pare si le duele más la espalda." in text
    assert "Tenga cuidado con lo siguiente y con la lista del principio" in text


def test_an_exercise_without_a_translation_prints_in_english_with_a_note(patient, therapist):
    programme = a_programme(patient, therapist)
    untranslated = PrescriptionItemFactory(
        prescription=programme,
        exercise=ExerciseFactory(clinic=patient.clinic, name="Clinic's own side plank"),
        order=5,
        sets=None,
        reps=10,
    )

    text = pdf_text(render(programme, layout="summary_full").pdf)

    assert "3 Clinic's own side plank (en inglés)" in text  # in the summary
    assert "Clinic's own side plank" in text
    assert "Lie on your side." in text
    assert text.count("Este ejercicio está en inglés: todavía no lo tenemos en español.") == 1
    assert dose_sentence(untranslated, "es") in text  # the dose is the handout's language
    assert "Estiramiento de rodilla al pecho" in text


def test_a_translation_that_no_longer_matches_the_english_is_not_printed(programme):
    exercise = programme.items.get(order=0).exercise
    exercise.steps += "\nRelax."
    exercise.save()  # the English has a step the translation does not

    text = pdf_text(render(programme).pdf)

    assert "Knee to chest stretch" in text
    assert "Estiramiento de rodilla al pecho" not in text
    assert "Este ejercicio está en inglés" in text


def test_the_box_shows_the_language_and_warns_of_exercises_without_a_translation(
    client, therapist, patient
):
    programme = a_programme(patient, therapist)
    PrescriptionItemFactory(
        prescription=programme,
        exercise=ExerciseFactory(clinic=patient.clinic, name="Clinic's own side plank"),
        order=5,
    )
    client.force_login(therapist)

    html = client.get(reverse("patients:programme_detail", args=[programme.pk])).content.decode()

    assert '<option value="es" lang="es" selected>' in html
    assert "It prints in Spanish, the patient's language" in html
    assert "No Spanish text for Clinic&#x27;s own side plank: it prints in English" in html
    assert "Knee to chest stretch" not in html.split("No Spanish text")[1].split("</div>")[0]


def test_the_box_does_not_warn_for_an_english_patient(client, therapist, patient):
    patient.language = "en"
    patient.save()
    programme = a_programme(patient, therapist, translated=False)
    client.force_login(therapist)

    html = client.get(reverse("patients:programme_detail", args=[programme.pk])).content.decode()

    assert '<option value="en" lang="en" selected>' in html
    assert "No Spanish text" not in html


def test_the_preview_prints_the_language_the_therapist_chooses(client, therapist, programme):
    client.force_login(therapist)
    url = reverse("patients:preview_handout", args=[programme.pk])
    choice = {"layout": "full", "paper_size": "A4"}

    english = client.post(url, {**choice, "language": "en"})
    spanish = client.post(url, choice)  # no language sent: the patient's

    assert "Hold for 30 seconds. Do this 3 times on each side." in pdf_text(english.content)
    assert "Knee to chest stretch" in pdf_text(english.content)
    assert "Estiramiento de rodilla al pecho" in pdf_text(spanish.content)
    assert 'filename="handout-preview-es.pdf"' in spanish["Content-Disposition"]
    assert client.post(url, {**choice, "language": "xx"}).status_code == 400


def test_the_pdf_says_its_language(programme):
    pdf = render(programme).pdf

    assert reader(pdf).trailer["/Root"]["/Lang"] == "es"


def test_the_issued_version_keeps_its_language_after_the_patient_changes_theirs(
    client, therapist, programme
):
    client.force_login(therapist)
    url = reverse("patients:issue_handout", args=[programme.pk])
    client.post(url, {"layout": "full", "paper_size": "A4", "language": "es"})
    handout = Handout.objects.get()
    download = reverse("patients:download_handout", args=[handout.pk])
    before = b"".join(client.get(download).streaming_content)

    programme.patient.language = "en"
    programme.patient.save()
    after = b"".join(client.get(download).streaming_content)
    again = handouts.render_html(Handout.objects.get().snapshot)

    assert handout.snapshot["language"] == "es"
    assert handout.printed_as.endswith("· Spanish")
    assert hashlib.sha256(after).hexdigest() == hashlib.sha256(before).hexdigest()
    assert "Estiramiento de rodilla al pecho" in pdf_text(after)
    assert '<html lang="es">' in again and "Pare y llámenos si" in again


def test_a_rebranded_version_keeps_the_language_it_was_issued_in(therapist, programme):
    first = handouts.issue_handout(programme, therapist)
    programme.patient.language = "en"
    programme.patient.save()
    clinic = programme.patient.clinic
    clinic.name = "Clínica Norte y Sur"
    clinic.save()

    second = handouts.rebrand_handout(programme, therapist)

    assert (first.snapshot["language"], second.snapshot["language"]) == ("es", "es")
    assert "Estiramiento de rodilla al pecho" in pdf_text(second.pdf.read())


def test_a_snapshot_from_before_languages_prints_in_english(programme):
    snapshot = handouts.handout_snapshot(programme, issued_on=ISSUED_ON, language="en")
    del snapshot["language"]
    for exercise in snapshot["exercises"]:
        del exercise["stop_rules"], exercise["in_english"]

    html = handouts.render_html(snapshot)

    assert '<html lang="en">' in html
    assert "Stop and call us if" in html
    assert f"Exercises 1 and 2:</strong> {SHARED}" in html  # "Stop if" is still the rule
    assert html.count("Stop if") == 2


def test_an_issued_spanish_version_warns_of_the_exercises_printed_in_english(
    client, therapist, patient
):
    programme = a_programme(patient, therapist)
    PrescriptionItemFactory(
        prescription=programme,
        exercise=ExerciseFactory(clinic=patient.clinic, name="Clinic's own side plank"),
        order=5,
    )
    client.force_login(therapist)
    url = reverse("patients:issue_handout", args=[programme.pk])
    back = reverse("patients:programme_detail", args=[programme.pk])

    response = client.post(url, {"next": back, "layout": "full", "paper_size": "A4"}, follow=True)

    assert "Printed in English, having no translation: Clinic&#x27;s own side plank." in (
        response.content.decode()
    )
    assert Handout.objects.get().snapshot["exercises"][2]["in_english"] is True


def test_a_spanish_snapshot_reads_in_three_queries_however_many_exercises(
    patient, therapist, django_assert_num_queries
):
    programme = a_programme(patient, therapist, EXERCISES * 5)

    with django_assert_num_queries(3):
        snapshot = handouts.handout_snapshot(programme, issued_on=ISSUED_ON)

    assert len(snapshot["exercises"]) == 10
    assert snapshot["exercises"][9]["name"] == "Puente"
