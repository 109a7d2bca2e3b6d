"""Chart numbers: one normal form on every path, and one "already used" answer, also when
six people add the same number at the same moment (issue 13, section 6)."""

import functools
import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from patients.chart_numbers import ChartNumberTaken, normal_chart_number
from patients.models import Patient
from tests.concurrency import at_once
from tests.factories import PatientFactory, UserFactory
from tests.hipclinic.test_admin_pages import form_data

TAKEN = "Another patient in this clinic has this chart number."
VARIANTS = ["RACE-1", "RACE-1\u200b", "ＲＡＣＥ-1", " \ufeffRACE-1\u2060 ", "R\u200cACE\u200d-1"]
SAME_NUMBER = [*VARIANTS[1:], "race-1", "ｒａｃｅ-1"]
NEW = {"first_name": "Robin", "last_name": "Okafor", "is_active": "on"}


@pytest.mark.parametrize("typed", VARIANTS)
def test_every_way_of_writing_a_number_has_one_normal_form(typed):
    assert normal_chart_number(typed) == "RACE-1"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", SAME_NUMBER)
def test_the_app_refuses_another_way_of_writing_a_taken_number(client, therapist, clinic, typed):
    PatientFactory(clinic=clinic, chart_number="RACE-1")
    client.force_login(therapist)

    response = client.post(reverse("patients:patient_new"), {**NEW, "chart_number": typed})

    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    assert Patient.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("typed", SAME_NUMBER)
def test_the_admin_refuses_another_way_of_writing_a_taken_number(client, therapist, clinic, typed):
    PatientFactory(clinic=clinic, chart_number="RACE-1")
    client.force_login(therapist)
    url = reverse("admin:patients_patient_add")

    response = client.post(url, form_data(client.get(url)) | NEW | {"chart_number": typed})

    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    assert Patient.objects.count() == 1


@pytest.mark.django_db
def test_the_app_stores_the_normal_form(client, therapist):
    client.force_login(therapist)

    client.post(reverse("patients:patient_new"), {**NEW, "chart_number": "ＨＣ-７\u200b"})

    assert list(Patient.objects.values_list("chart_number", flat=True)) == ["HC-7"]


@pytest.mark.django_db
def test_the_length_limit_is_on_the_normal_form(client, therapist):
    client.force_login(therapist)
    # One character that NFKC spells out in four ("株式会社"): 40 typed, 160 stored.
    response = client.post(reverse("patients:patient_new"), {**NEW, "chart_number": "㍿" * 40})

    assert response.status_code == 200
    assert "Ensure this value has at most 40 characters" in response.content.decode()
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_saves_lookups_and_bulk_updates_use_the_normal_form(clinic):
    patient = Patient.objects.create(clinic=clinic, chart_number="ＡＢ-1\u200b", last_name="Li")

    assert patient.chart_number == "AB-1"
    assert Patient.objects.get(chart_number="AB-1\ufeff") == patient
    Patient.objects.filter(pk=patient.pk).update(chart_number=" ＣＤ-2 ")
    assert Patient.objects.values_list("chart_number", flat=True).get() == "CD-2"


@pytest.mark.django_db
def test_a_duplicate_saved_past_the_forms_is_a_validation_error_not_a_crash(clinic):
    Patient.objects.create(clinic=clinic, chart_number="RACE-1", last_name="First")

    with pytest.raises(ChartNumberTaken) as taken:
        Patient.objects.create(clinic=clinic, chart_number="ＲＡＣＥ-1", last_name="Second")

    assert taken.value.message_dict == {"chart_number": [TAKEN]}
    assert Patient.objects.count() == 1


@pytest.mark.django_db
def test_the_migration_normalises_stored_numbers_and_leaves_clashes_alone(clinic, capsys):
    migration = importlib.import_module("patients.migrations.0005_normalise_chart_numbers")
    stored = {}
    for typed in ["ＡＢ-1", "XY-2\u200b", "RACE-1", "RACE-1\u200b"]:
        patient = PatientFactory(clinic=clinic, chart_number=f"placeholder-{len(stored)}")
        with connection.cursor() as cursor:  # as an older version stored it, unnormalised
            cursor.execute(
                "UPDATE patients_patient SET chart_number = %s WHERE id = %s", [typed, patient.pk]
            )
        stored[typed] = patient.pk

    migration.normalise_chart_numbers(apps, None)

    numbers = dict(Patient.objects.values_list("pk", "chart_number"))
    assert [numbers[stored[typed]] for typed in stored] == [
        "AB-1",
        "XY-2",
        "RACE-1",
        "RACE-1\u200b",
    ]
    assert "'RACE-1' once normalised; left unchanged." in capsys.readouterr().out


# --- Six people adding one chart number at the same moment --------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["app", "admin"])
def test_six_simultaneous_new_patients_with_one_chart_number_save_one(clinic, where):
    clients = []
    for n in range(6):
        client = Client(raise_request_exception=False)
        client.force_login(UserFactory(clinic=clinic, username=f"therapist-{n}"))
        clients.append(client)
    url = reverse("patients:patient_new" if where == "app" else "admin:patients_patient_add")

    def data_for(client):
        form = form_data(client.get(url)) if where == "admin" else {}
        return form | NEW | {"chart_number": "RACE-1"}

    posts = [functools.partial(client.post, url, data_for(client)) for client in clients]
    responses = at_once(*posts)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 5 + [302]
    refused = [response for response in responses if response.status_code == 200]
    assert all(TAKEN in response.content.decode() for response in refused)
    assert list(Patient.objects.values_list("chart_number", flat=True)) == ["RACE-1"]


# --- Capital letters -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_number_differing_only_in_capitals_past_every_form(clinic):
    Patient.objects.create(clinic=clinic, chart_number="ab-1", last_name="First")
    Patient.objects.bulk_create([Patient(clinic=clinic, chart_number="XY-9", last_name="Second")])

    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.filter(chart_number="XY-9").update(chart_number="AB-1")

    assert sorted(Patient.objects.values_list("chart_number", flat=True)) == ["XY-9", "ab-1"]


@pytest.mark.django_db
def test_the_migration_to_any_case_names_the_clinics_to_tidy_first(clinic):
    migration = importlib.import_module("patients.migrations.0010_chart_numbers_unique_in_any_case")
    with connection.cursor() as cursor:  # as before the migration: capitals told apart
        cursor.execute("DROP INDEX patient_chart_number_unique_in_clinic_any_case")
    PatientFactory(clinic=clinic, chart_number="ab-1")
    PatientFactory(clinic=clinic, chart_number="AB-1")
    PatientFactory(clinic=clinic, chart_number="CD-2")

    with pytest.raises(RuntimeError) as refused:
        migration.refuse_case_clashes(apps, None)

    assert str(refused.value) == (
        "Patients of one clinic share a chart number written with other capital letters "
        f"(numbers shared: 1; clinic ids: {clinic.pk}). Give each patient their own number in "
        "the admin, then migrate again."
    )
