"""Free text is bounded: every field a person types in has a limit, shown beside it and
enforced by the app's forms, the admin and the model. The probe saved 2.4 MB of general
instructions, and the preview then took 91 seconds."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from exercises.library import load_library
from exercises.models import Exercise, Protocol, ProtocolItem
from patients.models import Prescription
from tests.factories import PatientFactory, PrescriptionFactory, PrescriptionItemFactory
from tests.hipclinic.test_admin_pages import admin_url, form_data
from tests.patients.test_patient_forms import GOOD as NEW_PATIENT
from tests.patients.test_programme_views import builder_data, edit_url

pytestmark = pytest.mark.django_db

PROBE_INSTRUCTIONS = "Breathe out as you lift." * 100_000  # 2.4 MB
TOO_LONG = "Ensure this value has at most 4000 characters (it has 2400000)."
SHOWN = "Printed at the top of the handout. Up to 4,000 characters."


def typed_text_fields() -> list:
    fields = []
    for app in ("hipclinic", "exercises", "patients"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue  # django-simple-history's copies follow their model's fields
            for field in model._meta.get_fields():
                if isinstance(field, models.TextField):
                    fields.append(pytest.param(field, id=f"{model.__name__}.{field.name}"))
    return fields


@pytest.mark.parametrize("field", typed_text_fields())
def test_every_text_field_has_a_limit_the_model_enforces_and_shows(field):
    assert field.max_length, "no limit"
    assert any(
        isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
        for v in field.validators
    )
    assert field.help_text.endswith(f"Up to {field.max_length:,} characters.")


@pytest.fixture
def programme(therapist):
    programme = PrescriptionFactory(
        patient=PatientFactory(clinic=therapist.clinic), therapist=therapist, title="Hip set"
    )
    PrescriptionItemFactory(prescription=programme)
    return programme


def test_the_model_refuses_instructions_past_4000_characters(programme):
    programme.instructions = PROBE_INSTRUCTIONS

    with pytest.raises(ValidationError) as refused:
        programme.full_clean()

    assert refused.value.message_dict["instructions"] == [TOO_LONG]


def test_the_builder_refuses_the_probes_instructions_and_stores_nothing(
    client, therapist, programme
):
    client.force_login(therapist)
    page = client.get(edit_url(programme)).content.decode()

    response = client.post(
        edit_url(programme), builder_data(programme, instructions=PROBE_INSTRUCTIONS)
    )

    assert SHOWN in page and 'maxlength="4000"' in page
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    stored = Prescription.objects.get(pk=programme.pk)
    assert (stored.instructions, stored.revision) == ("", programme.revision)
    assert stored.history.count() == programme.history.count()


def test_the_admin_refuses_the_probes_instructions_and_stores_nothing(client, therapist, programme):
    client.force_login(therapist)
    page = client.get(admin_url(programme))

    response = client.post(
        admin_url(programme), form_data(page) | {"instructions": PROBE_INSTRUCTIONS}
    )

    assert SHOWN in page.content.decode()
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    stored = Prescription.objects.get(pk=programme.pk)
    assert (stored.instructions, stored.revision) == ("", programme.revision)


def test_a_note_for_the_patient_over_1000_characters_is_refused_in_the_builder(
    client, therapist, programme
):
    client.force_login(therapist)
    item = programme.items.get()
    row = {"key": f"item-{item.pk}", "exercise": item.exercise_id, "note": "n" * 1001}

    response = client.post(edit_url(programme), builder_data(programme, rows=[row]))

    assert "Ensure this value has at most 1000 characters (it has 1001)." in (
        response.content.decode()
    )
    assert "Up to 1,000 characters." in response.content.decode()
    assert programme.items.get().note == item.note


def test_patient_notes_over_2000_characters_are_refused_in_the_patient_form(client, therapist):
    client.force_login(therapist)

    response = client.post(reverse("patients:patient_new"), {**NEW_PATIENT, "notes": "n" * 2001})

    assert "Ensure this value has at most 2000 characters (it has 2001)." in (
        response.content.decode()
    )
    assert "Up to 2,000 characters." in response.content.decode()
    assert not therapist.clinic.patients.exists()


def test_the_shipped_library_fits_every_limit():
    load_library()

    for model in (Exercise, Protocol, ProtocolItem):
        rows = model.objects.all()
        assert rows
        for row in rows:
            row.full_clean(validate_unique=False, validate_constraints=False)
