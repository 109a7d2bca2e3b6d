"""Outcome measures in the database (issue 20): loading definitions, when a measure is due,
answers that never change, corrections, PSFS activities carried forward, and progress."""

import datetime
import shutil
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from hipclinic.models import AuditAction, AuditEvent
from patients.measures import MEASURES_FOLDER, MeasureError
from patients.models import (
    Measure,
    MeasureAnswer,
    MeasureSchedule,
    PrescriptionStatus,
)
from patients.outcomes import due_measures, load_measures, progress_of, record_answer
from tests.factories import ClinicFactory, PatientFactory, PrescriptionFactory, issued_on

pytestmark = pytest.mark.django_db

NOV_3 = datetime.date(2026, 11, 3)
WEEK = datetime.timedelta(weeks=1)
STAIRS = ["Climbing stairs", "Putting on socks", "Gardening"]

# A made-up licensed questionnaire, in the tests only: how a clinic loads its own.
LICENSED = """
slug = "made-up-back-index"
name = "Made-up Back Index"
short_name = "MBI"
version = 1
intro = "Two questions about your back."
kind = "items"
score = "sum"
better = "lower"
compare = "baseline"
meaningful_change = 2
citation = "Made up for hipclinic's tests."
licence = "The clinic holds a licence (made up)."

[scale]
low = 0
high = 5
low_label = "No trouble"
high_label = "Cannot do it"

[[items]]
key = "lifting"
question = "How hard is lifting?"

[[items]]
key = "walking"
question = "How hard is walking?"
"""


@pytest.fixture
def measures():
    load_measures()
    return {measure.slug: measure for measure in Measure.objects.all()}


@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic)


@pytest.fixture
def programme(patient, therapist):
    programme = PrescriptionFactory(
        patient=patient,
        therapist=therapist,
        status=PrescriptionStatus.ACTIVE,
        review_date=NOV_3 + 6 * WEEK,
    )
    issued_on(programme, NOV_3)
    return programme


def ask(programme, measure, therapist, **when) -> MeasureSchedule:
    return MeasureSchedule.objects.create(
        prescription=programme, measure=measure, created_by=therapist, **when
    )


def psfs(*points, names=STAIRS):
    return {"activities": [[name, point] for name, point in zip(names, points, strict=True)]}


# --- Loading ---------------------------------------------------------------------------------


def test_loading_twice_writes_nothing_the_second_time(measures):
    again = load_measures()

    assert again.created == again.updated == []
    assert again.unchanged == ["groc", "nprs", "psfs"]
    assert set(measures) == {"groc", "nprs", "psfs"}
    assert all(measure.clinic is None for measure in measures.values())


def test_a_measure_that_leaves_the_folder_is_retired_not_deleted(measures, tmp_path):
    folder = tmp_path / "measures"
    folder.mkdir()
    for name in ("nprs", "psfs"):
        shutil.copy(MEASURES_FOLDER / f"{name}.toml", folder)

    report = load_measures(folder)

    assert report.retired == ["groc"]
    assert Measure.objects.get(slug="groc").is_active is False


def test_a_bad_file_stops_the_load_before_anything_is_written(tmp_path, clinic):
    folder = tmp_path / "measures"
    folder.mkdir()
    shutil.copy(MEASURES_FOLDER / "nprs.toml", folder)
    (folder / "zzz.toml").write_text(LICENSED.replace('kind = "items"', 'kind = "survey"'))

    with pytest.raises(CommandError, match=r"zzz.toml: field 'kind' is 'survey'"):
        call_command(
            "load_measures", "--clinic", str(clinic.pk), "--file", str(folder / "zzz.toml")
        )
    with pytest.raises(MeasureError, match="zzz.toml: field 'kind'"):
        load_measures(folder)
    assert not Measure.objects.exists()


def test_a_clinic_loads_its_licensed_questionnaire_for_itself_alone(measures, clinic, tmp_path):
    path = tmp_path / "made-up-back-index.toml"
    path.write_text(LICENSED)
    other = ClinicFactory()

    call_command("load_measures", "--clinic", str(clinic.pk), "--file", str(path))

    own = Measure.objects.get(slug="made-up-back-index")
    assert own.clinic == clinic
    assert own in Measure.objects.for_clinic(clinic)
    assert own not in Measure.objects.for_clinic(other)
    assert measures["psfs"] in Measure.objects.for_clinic(other)


def test_a_clinic_cannot_load_its_own_under_a_shipped_name(measures, clinic):
    with pytest.raises(CommandError, match="'psfs' is a shipped measure"):
        call_command(
            "load_measures",
            "--clinic",
            str(clinic.pk),
            "--file",
            str(MEASURES_FOLDER / "psfs.toml"),
        )


def test_a_licensed_questionnaire_scores_by_its_own_rule(measures, clinic, patient, tmp_path):
    path = tmp_path / "mbi.toml"
    path.write_text(LICENSED)
    load_measures(files=[path], clinic=clinic)

    answer = record_answer(
        patient,
        Measure.objects.get(slug="made-up-back-index"),
        {"items": {"lifting": 4, "walking": 3}},
        answered_on=NOV_3,
    )

    assert answer.score == Decimal("7.00")  # the sum


# --- When a measure is due -------------------------------------------------------------------


def test_the_baseline_is_due_from_the_first_issue_until_answered(
    measures, patient, programme, therapist
):
    ask(programme, measures["psfs"], therapist)

    [due] = due_measures(patient, NOV_3 + datetime.timedelta(days=2))
    assert (due.measure.slug, due.since, due.overdue) == ("psfs", NOV_3, False)
    assert due_measures(patient, NOV_3 + 2 * WEEK)[0].overdue is True

    record_answer(patient, measures["psfs"], psfs(3, 4, 5), answered_on=NOV_3 + WEEK)

    assert due_measures(patient, NOV_3 + 2 * WEEK) == []


def test_nothing_is_due_before_the_first_handout_or_on_an_ended_programme(
    measures, patient, therapist
):
    draft = PrescriptionFactory(patient=patient, therapist=therapist, status="active")
    ask(draft, measures["nprs"], therapist)
    ended = PrescriptionFactory(patient=patient, therapist=therapist, status="ended")
    issued_on(ended, NOV_3)
    ask(ended, measures["psfs"], therapist)

    assert due_measures(patient, NOV_3 + WEEK) == []


def test_every_n_weeks_counts_from_the_last_answer(measures, patient, programme, therapist):
    ask(programme, measures["nprs"], therapist, every_weeks=2, at_review=False)
    record_answer(patient, measures["nprs"], {"items": {"pain": 6}}, answered_on=NOV_3)

    assert due_measures(patient, NOV_3 + 2 * WEEK - datetime.timedelta(days=1)) == []
    [due] = due_measures(patient, NOV_3 + 2 * WEEK)
    assert due.since == NOV_3 + 2 * WEEK


def test_at_the_review_it_is_due_a_week_before_the_review_date(
    measures, patient, programme, therapist
):
    ask(programme, measures["psfs"], therapist, at_review=True)
    record_answer(patient, measures["psfs"], psfs(3, 4, 5), answered_on=NOV_3)
    review = programme.review_date

    assert due_measures(patient, review - WEEK - datetime.timedelta(days=1)) == []
    [due] = due_measures(patient, review - WEEK)
    assert due.since == review - WEEK
    record_answer(patient, measures["psfs"], psfs(5, 6, 7), answered_on=review - WEEK)
    assert due_measures(patient, review) == []


# --- Answers ---------------------------------------------------------------------------------


def test_an_answer_is_stored_scored_and_audited(measures, patient, programme):
    answer = record_answer(
        patient, measures["psfs"], psfs(3, 4, 6), answered_on=NOV_3, prescription=programme
    )

    stored = MeasureAnswer.objects.get()
    assert stored.values == {
        "activities": [[name, point] for name, point in zip(STAIRS, (3, 4, 6), strict=True)]
    }
    assert stored.score == Decimal("4.33")
    assert stored.entered_by is None  # from the patient's page
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATED, target_id=str(answer.pk), clinic=patient.clinic
    ).exists()


def test_an_answer_never_changes_and_is_never_deleted(measures, patient):
    answer = record_answer(patient, measures["nprs"], {"items": {"pain": 6}}, answered_on=NOV_3)

    answer.score = Decimal("1")
    with pytest.raises(ValidationError, match="give a correction instead"):
        answer.save()
    with pytest.raises(ValidationError, match="give a correction instead"):
        answer.delete()
    assert MeasureAnswer.objects.get().score == Decimal("6.00")


def test_later_psfs_answers_carry_the_activities_named_first(measures, patient):
    record_answer(patient, measures["psfs"], psfs(3, 4, 5), answered_on=NOV_3)

    record_answer(patient, measures["psfs"], psfs(5, 6, 7), answered_on=NOV_3 + 4 * WEEK)
    with pytest.raises(MeasureError, match="the ones named first"):
        record_answer(
            patient,
            measures["psfs"],
            psfs(5, 6, 7, names=["Running", "Putting on socks", "Gardening"]),
            answered_on=NOV_3 + 5 * WEEK,
        )


def test_a_correction_replaces_an_answer_in_scores_and_keeps_the_old_one(
    measures, patient, therapist
):
    wrong = record_answer(patient, measures["nprs"], {"items": {"pain": 9}}, answered_on=NOV_3)

    right = record_answer(
        patient, measures["nprs"], {"items": {"pain": 6}}, entered_by=therapist, corrects=wrong
    )

    assert right.answered_on == NOV_3
    assert list(MeasureAnswer.objects.current()) == [right]
    assert MeasureAnswer.objects.count() == 2
    with pytest.raises(IntegrityError):  # one correction per answer: correct the correction
        record_answer(patient, measures["nprs"], {"items": {"pain": 5}}, corrects=wrong)


def test_correcting_the_first_psfs_answer_may_rename_an_activity(measures, patient, therapist):
    first = record_answer(
        patient,
        measures["psfs"],
        psfs(3, 4, 5, names=["Stairs", "Socks", "Garden"]),
        answered_on=NOV_3,
    )

    record_answer(patient, measures["psfs"], psfs(3, 4, 5), entered_by=therapist, corrects=first)

    record_answer(patient, measures["psfs"], psfs(6, 6, 6), answered_on=NOV_3 + 4 * WEEK)
    assert MeasureAnswer.objects.current().count() == 2


def test_a_correction_for_another_patient_is_refused(measures, patient, clinic):
    answer = record_answer(patient, measures["nprs"], {"items": {"pain": 9}}, answered_on=NOV_3)

    with pytest.raises(MeasureError, match="same patient and measure"):
        record_answer(
            PatientFactory(clinic=clinic), measures["nprs"], {"items": {"pain": 2}}, corrects=answer
        )


# --- Progress --------------------------------------------------------------------------------


def test_progress_says_whether_the_change_so_far_is_meaningful(measures, patient):
    record_answer(patient, measures["psfs"], psfs(3, 3, 3), answered_on=NOV_3)
    record_answer(patient, measures["psfs"], psfs(5, 6, 6), answered_on=NOV_3 + 4 * WEEK)
    record_answer(patient, measures["nprs"], {"items": {"pain": 7}}, answered_on=NOV_3)
    record_answer(patient, measures["groc"], {"items": {"change": 2}}, answered_on=NOV_3 + WEEK)

    sentences = {progress.measure.slug: progress.sentence for progress in progress_of(patient)}

    assert sentences == {
        "psfs": "PSFS up 2.67 points since 3 November: a meaningful improvement",
        "nprs": "",  # one answer: nothing to compare yet
        "groc": "GROC +2 on 10 November (a little bit better): not yet a meaningful change",
    }
