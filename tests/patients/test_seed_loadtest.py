"""The load-test seed makes what `make loadtest` drives: staff who can log in, patients
whose link tokens open their own page and handout."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from patients.management.commands import seed_loadtest
from patients.models import Handout, Patient, PatientLink, Prescription
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(seed_loadtest, "THERAPISTS", 4)
    monkeypatch.setattr(seed_loadtest, "PATIENTS", 6)


def test_seed_writes_the_data_set_and_working_tokens(small, client, tmp_path, settings):
    settings.PATIENT_IP_RATE = "1000/m"
    tokens_file = tmp_path / "tokens.txt"

    call_command("seed_loadtest", tokens=str(tokens_file), stdout=io.StringIO())

    assert Patient.objects.count() == 6
    assert Prescription.objects.count() == 12
    assert Handout.objects.count() == 24
    tokens = tokens_file.read_text().split()
    assert len(tokens) == PatientLink.objects.live().count() == 6
    page = client.get(f"/p/{tokens[3]}/")
    assert page.status_code == 200 and "Pat3" in page.content.decode()
    pdf = client.get(f"/p/{tokens[3]}/handout.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    login = client.post(
        "/login/", {"username": "load-therapist-1", "password": seed_loadtest.PASSWORD}
    )
    assert login.status_code == 302 and login["Location"] == "/"


def test_seed_refuses_a_database_with_patients(small, tmp_path):
    PatientFactory()

    with pytest.raises(CommandError, match="already has patients"):
        call_command("seed_loadtest", tokens=str(tmp_path / "t.txt"))
