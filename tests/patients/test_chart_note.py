"""The note for the chart (issue 20 §5): a programme in plain text for the clinic's record
system, shown on the programme page with "Copy as text", and downloadable as .txt by
staff of the patient's clinic only, audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from exercises.models import Condition, Contraindication
from hipclinic.models import AuditAction, AuditEvent
from patients.chart_note import chart_note
from patients.models import Handout, PrescriptionStatus
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
    issued_on,
)

pytestmark = pytest.mark.django_db

NOV_3 = datetime.date(2026, 11, 3)
POSTERIOR = Condition.HIP_POSTERIOR


@pytest.fixture
def patient(clinic):
    return PatientFactory(
        clinic=clinic, first_name="Robin", last_name="Quill", conditions=[POSTERIOR]
    )


@pytest.fixture
def programme(patient, therapist):
    """Two exercises, a note on one; not issued yet."""
    programme = PrescriptionFactory(
        patient=patient,
        therapist=therapist,
        title="Hip strength",
        status=PrescriptionStatus.ACTIVE,
        review_date=datetime.date(2026, 12, 15),
    )
    PrescriptionItemFactory(
        prescription=programme,
        order=0,
        exercise=ExerciseFactory(clinic=patient.clinic, name="Clamshell"),
        sets=2,
        reps=10,
        side="each",
        times_per_day=1,
        days_per_week=5,
        note="Keep your feet together.",
    )
    PrescriptionItemFactory(
        prescription=programme,
        order=1,
        exercise=ExerciseFactory(clinic=patient.clinic, name="Bridge"),
        sets=None,
        reps=None,
        hold=30,
    )
    return programme


@pytest.fixture
def figure_four(programme, therapist):
    """A third exercise, tagged for the patient's hip replacement and confirmed by the
    therapist at 14:05 on 3 November."""
    exercise = ExerciseFactory(clinic=None, name="Figure-four stretch", sets=None, reps=3)
    Contraindication.objects.create(
        exercise=exercise, condition=POSTERIOR, reason="Bends the hip past a right angle."
    )
    return PrescriptionItemFactory(
        prescription=programme,
        order=2,
        exercise=exercise,
        sets=None,
        reps=3,
        confirmed_conditions=[POSTERIOR],
        confirmed_by=therapist,
        confirmed_at=timezone.make_aware(datetime.datetime(2026, 11, 3, 14, 5), datetime.UTC),
    )


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


def download_url(programme) -> str:
    return reverse("patients:chart_note_download", args=[programme.pk])


def test_the_note_reads_title_handout_review_and_each_exercise_with_dose_and_note(programme):
    for version, day in [(1, datetime.date(2026, 11, 2)), (2, NOV_3)]:
        Handout.objects.filter(pk=issued_on(programme, day).pk).update(revision=version)

    assert chart_note(programme).splitlines() == [
        "Home exercise programme: Hip strength",
        "Handout: version 2, issued 3 Nov 2026",
        "Next review: 15 Dec 2026",
        "",
        "Exercises:",
        "1. Clamshell",
        "   Do 2 sets of 10 on each side. Once a day, 5 days a week.",
        "   Note: Keep your feet together.",
        "2. Bridge",
        "   Hold for 30 seconds.",
    ]


def test_the_note_is_in_the_language_of_the_staff_user_who_reads_it(programme, figure_four):
    Handout.objects.filter(pk=issued_on(programme, NOV_3).pk).update(revision=2)

    with translation.override("es"):
        lines = chart_note(programme).splitlines()

    assert lines[:7] == [
        "Programa de ejercicios en casa: Hip strength",
        "Hoja de ejercicios: versión 2, emitida el 3 nov 2026",
        "Próxima revisión: 15 dic 2026",
        "",
        "Ejercicios:",
        "1. Clamshell",
        "   Haga 2 tandas de 10 veces de cada lado. Una vez al día, 5 días a la semana.",
    ]
    assert lines[-2] == "Precauciones:"
    assert lines[-1].startswith(
        "- Figure-four stretch: comprobado respecto a Prótesis de cadera, abordaje posterior por"
    )


def test_a_programme_never_issued_says_not_issued_yet(programme):
    lines = chart_note(programme).splitlines()

    assert lines[1] == "Handout: not issued yet"


def test_a_programme_without_exercises_or_review_says_so(patient, therapist):
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Empty")

    assert chart_note(programme).splitlines() == [
        "Home exercise programme: Empty",
        "Handout: not issued yet",
        "Next review: not set",
        "",
        "Exercises: none yet.",
    ]


def test_precautions_confirmed_name_the_exercise_the_condition_who_and_when(
    programme, figure_four, therapist
):
    lines = chart_note(programme).splitlines()

    assert lines[-3:] == [
        "",
        "Precautions:",
        f"- Figure-four stretch: checked for Hip replacement, posterior approach by {therapist} "
        "on 3 Nov 2026, 14:05.",
    ]


def test_a_caution_nobody_has_confirmed_is_listed_as_not_checked(programme, figure_four):
    figure_four.confirmed_conditions = []
    figure_four.confirmed_by = None
    figure_four.confirmed_at = None
    figure_four.save()

    assert chart_note(programme).splitlines()[-1] == (
        "- Figure-four stretch: Hip replacement, posterior approach not checked yet."
    )


def test_the_note_does_not_name_the_patient(programme, figure_four):
    note = chart_note(programme)

    assert "Robin" not in note and "Quill" not in note
    assert programme.patient.chart_number not in note


def test_the_programme_page_shows_the_note_with_copy_and_download(staff_client, programme):
    page = staff_client.get(reverse("patients:programme_detail", args=[programme.pk]))

    text = page.content.decode()
    assert '<textarea id="chart-note"' in text and "readonly" in text
    assert "Home exercise programme: Hip strength" in text
    assert "Copy as text" in text
    assert f'href="{download_url(programme)}"' in text
    assert "patients/copy-text" in text


def test_staff_download_the_note_as_text_audited(staff_client, programme, therapist):
    response = staff_client.get(download_url(programme))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="programme-{programme.pk}-chart-note-' in disposition
    assert disposition.endswith('.txt"')
    assert "Quill" not in disposition and "Hip" not in disposition
    assert response.content.decode() == chart_note(programme)
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOADED)
    assert (event.actor, event.target_type, event.target_id) == (
        therapist,
        "patients.prescription",
        str(programme.pk),
    )


def test_another_clinics_programme_is_the_same_404_as_an_unknown_one(
    client, programme, other_clinic
):
    client.force_login(UserFactory(clinic=other_clinic))

    theirs = client.get(download_url(programme))
    unknown = client.get(reverse("patients:chart_note_download", args=[programme.pk + 1000]))

    assert theirs.status_code == unknown.status_code == 404
    assert theirs.content == unknown.content
    assert b"Hip strength" not in theirs.content
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOADED).exists()
