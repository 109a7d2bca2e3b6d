"""Finding an exercise on the library page: the filters (the builder's finder has the same,
tests/patients/test_builder_finder.py) and a small drawing beside each exercise."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.illustrations import update_drawing
from exercises.models import Exercise
from tests.factories import EquipmentFactory, ExerciseFactory, MuscleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, therapist):
    client.force_login(therapist)
    return client


def listed(client, **params) -> list[str]:
    response = client.get(reverse("exercises:exercise_list"), params)
    return [exercise.name for exercise in response.context["page_obj"]]


@pytest.fixture
def floor_and_chair(db):
    """One exercise in each position, two of them sitting: on a chair and on the floor."""
    chair = EquipmentFactory(name="Chair", slug="chair")
    mat = EquipmentFactory(name="Exercise mat", slug="mat")
    for name, position, equipment in [
        ("Bridge", "supine", mat),
        ("Clamshell", "side_lying", mat),
        ("Press-up", "prone", mat),
        ("Kneeling lunge", "kneeling", mat),
        ("Half-kneeling stretch", "half_kneeling", mat),
        ("Bird-dog", "all_fours", mat),
        ("Seated butterfly", "seated", mat),
        ("Sit to stand", "seated", chair),
        ("Counter side-lift", "standing", None),
    ]:
        exercise = ExerciseFactory(clinic=None, name=name, position=position)
        if equipment:
            exercise.equipment.add(equipment)


def test_no_floor_work_keeps_only_standing_and_chair_exercises(staff, floor_and_chair):
    assert listed(staff, no_floor_work="on") == ["Counter side-lift", "Sit to stand"]


def test_without_no_floor_work_the_floor_exercises_are_listed(staff, floor_and_chair):
    assert len(listed(staff)) == 9


def test_no_floor_work_goes_with_the_other_filters_and_the_search(staff, floor_and_chair):
    assert listed(staff, no_floor_work="on", position="seated") == ["Sit to stand"]
    assert listed(staff, no_floor_work="on", q="stand") == ["Sit to stand", "Counter side-lift"]


def test_the_body_area_filter_finds_an_exercise_through_two_muscles_once(staff):
    core = [MuscleFactory(group="core"), MuscleFactory(group="core")]
    ExerciseFactory(clinic=None, name="Dead bug").muscles.add(*core)
    ExerciseFactory(clinic=None, name="Calf raise").muscles.add(MuscleFactory(group="calves"))

    assert listed(staff, muscle_group="core") == ["Dead bug"]


def test_the_kind_filter_offers_motor_control(staff):
    ExerciseFactory(clinic=None, name="Bird-dog", kind="control")
    ExerciseFactory(clinic=None, name="Bridge", kind="strengthening")

    assert listed(staff, kind="control") == ["Bird-dog"]


def test_the_list_is_in_best_match_order(staff):
    glute = MuscleFactory(plain_name="buttock")
    ExerciseFactory(clinic=None, name="Arm reach", purpose="Keeps the glute still.")
    ExerciseFactory(clinic=None, name="Wall squat").muscles.add(glute)
    ExerciseFactory(clinic=None, name="Glute bridge")

    assert listed(staff, q="buttock") == ["Glute bridge", "Wall squat", "Arm reach"]


def test_the_no_floor_work_filter_has_a_label(staff):
    html = staff.get(reverse("exercises:exercise_list")).content.decode()

    assert 'for="id_no_floor_work"' in html
    assert "No floor work" in html


# --- Thumbnails ---------------------------------------------------------------------------


def drawn(**fields) -> Exercise:
    exercise = ExerciseFactory(pose={"base": "kneeling"}, **fields)
    update_drawing(exercise)
    return exercise


def thumbnails(html: str) -> list[str]:
    return re.findall(r'<img class="exercise-thumbnail[^>]*>', html)


def test_each_listed_exercise_shows_its_drawing_small_and_lazily_beside_its_name(staff, clinic):
    kneel = drawn(clinic=clinic, name="Our kneel")

    html = staff.get(reverse("exercises:exercise_list")).content.decode()

    [thumbnail] = thumbnails(html)
    assert f'src="{kneel.illustration.url}"' in thumbnail.replace("&amp;", "&")
    assert 'alt=""' in thumbnail  # the name is beside it
    assert 'loading="lazy"' in thumbnail
    assert 'width="96" height="64"' in thumbnail


def test_the_thumbnail_is_the_exercises_picture_for_its_clinics_staff(staff, clinic):
    kneel = drawn(clinic=clinic, name="Our kneel")
    html = staff.get(reverse("exercises:exercise_list")).content.decode()
    src = re.search(r'src="([^"]+)"', thumbnails(html)[0]).group(1).replace("&amp;", "&")

    response = staff.get(src)

    assert src.startswith(reverse("exercises:exercise_picture", args=[kneel.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"


def test_an_exercise_without_a_drawing_keeps_its_place_without_a_broken_image(staff, clinic):
    ExerciseFactory(clinic=clinic, name="Our plain move")

    html = staff.get(reverse("exercises:exercise_list")).content.decode()

    assert thumbnails(html) == []
    assert "Our plain move" in html


def test_the_list_with_drawings_and_a_search_uses_the_same_queries_for_3_and_30(staff, clinic):
    muscle = MuscleFactory(plain_name="buttock")
    counts = []
    for total in (3, 30):
        Exercise.objects.all().delete()
        for n in range(total):
            drawn(clinic=clinic, name=f"Squat {n}").muscles.add(muscle)
        with CaptureQueriesContext(connection) as queries:
            html = staff.get(reverse("exercises:exercise_list"), {"q": "bottom"}).content.decode()
        assert len(thumbnails(html)) == min(total, 25)
        counts.append(len(queries))

    assert counts[0] == counts[1]
