"""The database itself refuses bad rows, on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from exercises.models import Exercise
from hipclinic.models import User
from patients.chart_numbers import ChartNumberTaken
from patients.models import Patient, PrescriptionItem, SessionLog
from tests.factories import (
    ClinicFactory,
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolItemFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db


def refused(write) -> bool:
    """True when the database raises IntegrityError for ``write``."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_duplicate_chart_number_in_one_clinic_is_refused():
    patient = PatientFactory(chart_number="C-42")

    # Patient.save turns the database's refusal (IntegrityError) into the form's error.
    with pytest.raises(ChartNumberTaken):
        PatientFactory(clinic=patient.clinic, chart_number="C-42")
    assert Patient.objects.filter(chart_number="C-42").count() == 1


def test_same_chart_number_in_two_clinics_is_allowed():
    PatientFactory(chart_number="C-42")
    PatientFactory(chart_number="C-42", clinic=ClinicFactory())

    assert Patient.objects.filter(chart_number="C-42").count() == 2


def test_duplicate_chart_number_gets_a_plain_validation_message():
    patient = PatientFactory(chart_number="C-42")
    twin = Patient(clinic=patient.clinic, chart_number="C-42", first_name="A", last_name="B")

    with pytest.raises(
        ValidationError, match="Another patient in this clinic has this chart number"
    ):
        twin.full_clean()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sets", 0),
        ("reps", 0),
        ("hold", 0),
        ("hold", 10_000),
        ("days_per_week", 8),
        ("times_per_day", 0),
    ],
)
def test_out_of_range_dose_is_refused_on_prescription_items(field, value):
    item = PrescriptionItemFactory()
    setattr(item, field, value)

    assert refused(item.save)


@pytest.mark.parametrize("factory", [ExerciseFactory, ProtocolItemFactory])
def test_non_positive_sets_are_refused_on_exercises_and_protocol_items(factory):
    assert refused(lambda: factory(sets=0))


def test_dose_at_the_bounds_is_accepted():
    item = PrescriptionItemFactory(sets=20, reps=100, hold=600, days_per_week=7, times_per_day=10)

    item.refresh_from_db()
    assert (item.sets, item.hold) == (20, 600)


def test_model_validation_explains_a_10000_second_hold():
    item = PrescriptionItemFactory.build(hold=10_000)

    with pytest.raises(ValidationError) as error:
        item.full_clean(exclude=["prescription", "exercise"])
    assert "hold" in error.value.message_dict


def test_exercise_cannot_be_its_own_easier_version():
    exercise = ExerciseFactory()
    exercise.easier_version = exercise

    assert refused(exercise.save)
    assert Exercise.objects.get(pk=exercise.pk).easier_version is None


def test_two_items_cannot_share_a_position_in_one_prescription():
    first = PrescriptionItemFactory(order=0)

    assert refused(lambda: PrescriptionItemFactory(prescription=first.prescription, order=0))
    assert PrescriptionItem.objects.filter(prescription=first.prescription).count() == 1


def test_same_position_in_two_prescriptions_is_allowed():
    PrescriptionItemFactory(order=0)
    PrescriptionItemFactory(order=0)

    assert PrescriptionItem.objects.filter(order=0).count() == 2


def test_pain_above_ten_is_refused():
    assert refused(lambda: SessionLogFactory(pain=11))


def test_second_log_for_the_same_day_is_refused():
    log = SessionLogFactory()

    assert refused(lambda: SessionLogFactory(patient=log.patient, date=log.date))
    assert SessionLog.objects.filter(patient=log.patient).count() == 1


def test_review_date_before_start_date_is_refused():
    start = datetime.date(2026, 5, 1)

    assert refused(
        lambda: PrescriptionFactory(
            start_date=start, review_date=start - datetime.timedelta(days=1)
        )
    )


def test_staff_user_without_a_clinic_is_refused_unless_superuser():
    assert refused(lambda: User.objects.create(username="loose", is_staff=True))
    User.objects.create(username="root", is_staff=True, is_superuser=True)

    assert User.objects.filter(username="root").exists()
