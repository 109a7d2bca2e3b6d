"""The builder's exercise finder: the library's search and filters, and a small drawing
beside each exercise found."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.models import Exercise
from tests.exercises.test_finding_exercises import drawn, thumbnails
from tests.factories import (
    EquipmentFactory,
    ExerciseFactory,
    MuscleFactory,
    PatientFactory,
    PrescriptionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, therapist):
    client.force_login(therapist)
    return client


def found(client, **params) -> list[str]:
    """The names the finder offers, in order, as the builder fetches them while you type."""
    query = {f"find-{key}": value for key, value in params.items()}
    html = client.get(reverse("patients:programme_exercise_search"), query).content.decode()
    return re.findall(r'aria-label="Add ([^"]+)"', html)


@pytest.fixture
def floor_and_chair(db):
    chair = EquipmentFactory(name="Chair", slug="chair")
    for name, position, kind, equipment in [
        ("Bridge", "supine", "strengthening", None),
        ("Bird-dog", "all_fours", "control", None),
        ("Seated butterfly", "seated", "stretch", None),
        ("Sit to stand", "seated", "strengthening", chair),
        ("Counter side-lift", "standing", "strengthening", None),
    ]:
        exercise = ExerciseFactory(clinic=None, name=name, position=position, kind=kind)
        if equipment:
            exercise.equipment.add(equipment)


def test_no_floor_work_offers_only_standing_and_chair_exercises(staff, floor_and_chair):
    assert found(staff, no_floor_work="on") == ["Counter side-lift", "Sit to stand"]


def test_the_finder_filters_by_kind(staff, floor_and_chair):
    assert found(staff, kind="control") == ["Bird-dog"]


def test_the_finder_filters_by_body_area(staff):
    core = MuscleFactory(group="core")
    ExerciseFactory(clinic=None, name="Dead bug").muscles.add(core)
    ExerciseFactory(clinic=None, name="Calf raise").muscles.add(MuscleFactory(group="calves"))

    assert found(staff, muscle_group="core") == ["Dead bug"]


def test_the_finder_lists_the_best_match_first(staff):
    ExerciseFactory(clinic=None, name="Abdominal lift", purpose="A gentle start before a bridge.")
    ExerciseFactory(clinic=None, name="Glute bridge")

    assert found(staff, q="bridge") == ["Glute bridge", "Abdominal lift"]


def test_the_builder_offers_every_filter_of_the_library_with_a_label(staff, clinic, therapist):
    patient = PatientFactory(clinic=clinic)
    programme = PrescriptionFactory(patient=patient, therapist=therapist)

    html = staff.get(reverse("patients:programme_edit", args=[programme.pk])).content.decode()

    for field in ["q", "kind", "position", "difficulty", "muscle_group", "equipment"]:
        assert f'for="id_find-{field}"' in html, field
    assert 'for="id_find-no_floor_work"' in html


def test_each_exercise_found_shows_its_drawing_beside_its_name(staff, clinic):
    kneel = drawn(clinic=clinic, name="Our kneel")

    response = staff.get(reverse("patients:programme_exercise_search"), {"find-q": "kneel"})

    [thumbnail] = thumbnails(response.content.decode())
    assert f'src="{kneel.illustration.url}"' in thumbnail.replace("&amp;", "&")
    assert 'alt=""' in thumbnail  # the name is beside it
    assert 'loading="lazy"' in thumbnail


def test_the_finder_uses_the_same_queries_for_3_and_20_drawn_exercises(staff, clinic):
    counts = []
    for total in (3, 20):
        Exercise.objects.all().delete()
        for n in range(total):
            drawn(clinic=clinic, name=f"Kneel {n}")
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(reverse("patients:programme_exercise_search"), {"find-q": "kneel"})
        assert len(thumbnails(response.content.decode())) == total
        counts.append(len(queries))

    assert counts[0] == counts[1]
