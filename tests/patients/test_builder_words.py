"""Words a therapist reads in the builder and on a record: what a field means, in full."""

import re

import pytest
from django.urls import reverse

from hipclinic.models import PaperSize
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, therapist):
    client.force_login(therapist)
    return client


@pytest.fixture
def builder(staff, clinic, therapist) -> str:
    programme = PrescriptionFactory(patient=PatientFactory(clinic=clinic), therapist=therapist)
    PrescriptionItemFactory(prescription=programme, exercise=ExerciseFactory(clinic=clinic))
    return staff.get(reverse("patients:programme_edit", args=[programme.pk])).content.decode()


def label_of(html: str, field: str) -> str:
    match = re.search(rf'<label\s+for="id_items-0-{field}"[^>]*>\s*([^<*]+)', html)
    return match.group(1).strip()


def test_the_rest_says_between_sets_and_in_seconds(builder):
    assert label_of(builder, "rest_seconds") == "Rest between sets (seconds)"
    assert "Rest (s)" not in builder


def test_a_side_not_given_shows_as_a_dash(builder):
    side = re.search(r'<select name="items-0-side".*?</select>', builder, re.S).group(0)
    assert re.search(r'<option value="" selected>—</option>', side)
    assert "Not said" not in builder


def test_the_record_names_the_paper_size_not_its_code(staff, clinic):
    patient = PatientFactory(clinic=clinic, paper_size=PaperSize.LETTER)

    html = staff.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()

    handouts = re.search(r"<dt[^>]*>Handouts</dt><dd[^>]*>([^<]+)</dd>", html).group(1)
    assert handouts == PaperSize.LETTER.label
    assert ">LETTER" not in html
