"""`manage.py handout_pictures`: the README's handout pictures, drawn from the demo programme."""

import io

import pytest
import zxingcpp
from django.core.management import CommandError, call_command
from PIL import Image

from patients.links import link_url
from patients.models import PatientLink
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)

pytestmark = pytest.mark.django_db

PICTURES = ["handout-page-1.png", "handout-large-print.png", "handout-summary.png"]


@pytest.fixture
def demo_programme(clinic, therapist):
    patient = PatientFactory(clinic=clinic, chart_number="N-1001", first_name="Maria")
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip strength")
    for order, name in enumerate(["Bridge", "Clam", "Side plank"]):
        PrescriptionItemFactory(
            prescription=programme, order=order, exercise=ExerciseFactory(clinic=clinic, name=name)
        )
    return programme


def ink(picture: Image.Image) -> float:
    grey = picture.convert("L")
    return sum(grey.histogram()[:128]) / (grey.size[0] * grey.size[1])


def test_draws_page_one_a_large_print_page_and_the_summary(demo_programme, tmp_path):
    said = io.StringIO()
    call_command("handout_pictures", into=tmp_path, stdout=said)

    assert said.getvalue().splitlines() == [f"Drew {tmp_path / name}" for name in PICTURES]
    pictures = [Image.open(tmp_path / name) for name in PICTURES]
    for picture in pictures:
        width, height = picture.size
        assert width < height  # a portrait page
        assert ink(picture) > 0.005  # printed, not blank
    assert len({picture.tobytes() for picture in pictures}) == 3


def test_page_one_carries_the_qr_code_of_the_patients_live_link(demo_programme, tmp_path):
    call_command("handout_pictures", into=tmp_path, stdout=io.StringIO())

    [code] = zxingcpp.read_barcodes(Image.open(tmp_path / "handout-page-1.png"))
    link = PatientLink.objects.get(patient=demo_programme.patient)
    assert code.text == link_url(link)


def test_without_the_demo_data_it_says_to_set_up(tmp_path):
    with pytest.raises(CommandError, match="make setup"):
        call_command("handout_pictures", into=tmp_path)

    assert list(tmp_path.iterdir()) == []
