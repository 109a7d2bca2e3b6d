"""One search for exercises (Exercise.objects.search): the library, the builder's finder
and the admin find the same exercises for the same words.

The library and the builder once kept a copy each; the builder's forgot a muscle's plain
name, so "buttock" found exercises in the library and nothing in the builder.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.models import SEARCH_MAX_LENGTH, Exercise
from tests.factories import ExerciseFactory, MuscleFactory

pytestmark = pytest.mark.django_db


def library_names(client, q: str) -> list[str]:
    """The exercise names the library page lists for ``q``, in order, repeats included."""
    url = reverse("exercises:exercise_list")
    html = client.get(url, {"q": q}).content.decode()
    return re.findall(rf'<a href="{url}\d+/">([^<]+)</a>', html)


def builder_names(client, q: str) -> list[str]:
    """The exercise names the builder's finder offers for ``q``, repeats included."""
    response = client.get(reverse("patients:programme_exercise_search"), {"find-q": q})
    return re.findall(r'aria-label="Add ([^"]+)"', response.content.decode())


@pytest.fixture
def staff(client, therapist):
    client.force_login(therapist)
    return client


@pytest.fixture
def hip_library(clinic):
    """Exercises matching 'buttock' only through a muscle's plain name, and one that does not."""
    glute = MuscleFactory(name="Gluteus maximus", slug="gluteus-maximus", plain_name="buttock")
    piriformis = MuscleFactory(
        name="Piriformis", slug="piriformis", plain_name="deep buttock muscle"
    )
    psoas = MuscleFactory(name="Iliopsoas", slug="iliopsoas", plain_name="deep front of the hip")
    bridge = ExerciseFactory(clinic=None, name="Bridge", purpose="Lifts the hips.")
    bridge.muscles.add(glute)
    figure_four = ExerciseFactory(clinic=None, name="Figure four stretch", purpose="Eases hips.")
    figure_four.muscles.add(glute, piriformis)  # matches "buttock" through both muscles
    own = ExerciseFactory(clinic=clinic, name="Our clamshell", purpose="Strengthens the hip.")
    own.muscles.add(piriformis)
    lunge = ExerciseFactory(clinic=None, name="Kneeling lunge", purpose="Opens the hip.")
    lunge.muscles.add(psoas)
    return {"glute": glute, "piriformis": piriformis}


def test_buttock_finds_the_same_exercises_in_the_library_and_the_builder(staff, hip_library):
    expected = ["Bridge", "Figure four stretch", "Our clamshell"]

    assert library_names(staff, "buttock") == expected
    assert builder_names(staff, "buttock") == expected


@pytest.mark.parametrize("names", [library_names, builder_names])
def test_every_word_typed_must_match(staff, hip_library, names):
    assert names(staff, "deep buttock") == ["Figure four stretch", "Our clamshell"]
    assert names(staff, "deep buttock figure") == ["Figure four stretch"]
    assert names(staff, "buttock lunge") == []


@pytest.mark.parametrize("names", [library_names, builder_names])
def test_words_match_the_name_the_purpose_and_a_muscles_name_ignoring_case(
    staff, hip_library, names
):
    assert names(staff, "BRIDGE") == ["Bridge"]
    assert names(staff, "strengthens") == ["Our clamshell"]
    assert names(staff, "iliopsoas") == ["Kneeling lunge"]


def test_an_exercise_found_through_two_muscles_is_one_row(hip_library):
    found = Exercise.objects.search("buttock")

    assert sorted(exercise.name for exercise in found) == [
        "Bridge",
        "Figure four stretch",
        "Our clamshell",
    ]
    assert found.count() == 3


def test_the_search_uses_the_same_queries_for_1_and_6_matching_muscles(staff, clinic):
    counts = []
    for total in (1, 6):
        Exercise.objects.all().delete()
        muscles = [MuscleFactory(plain_name=f"buttock part {n}") for n in range(total)]
        for n in range(4):
            ExerciseFactory(clinic=clinic, name=f"Squeeze {n}").muscles.add(*muscles)
        with CaptureQueriesContext(connection) as queries:
            names = library_names(staff, "buttock part")
        assert len(names) == 4
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_search_reads_no_further_than_the_forms_allow(hip_library):
    typed = "bridge " * SEARCH_MAX_LENGTH + "nothing-matches-this"

    assert [exercise.name for exercise in Exercise.objects.search(typed)] == ["Bridge"]


def test_the_admin_picker_finds_by_a_muscles_plain_name_like_the_builder(
    client, therapist, hip_library
):
    client.force_login(therapist)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "patients",
            "model_name": "prescriptionitem",
            "field_name": "exercise",
            "term": "buttock",
        },
    )

    assert [row["text"] for row in response.json()["results"]] == [
        "Bridge (library)",
        "Figure four stretch (library)",
        "Our clamshell",
    ]


def test_the_admin_list_finds_by_plain_name_and_still_by_slug(client, therapist, hip_library):
    ExerciseFactory(clinic=therapist.clinic, name="Wall sit", slug="supine-wall-sit")
    client.force_login(therapist)
    url = reverse("admin:exercises_exercise_changelist")

    by_words = client.get(url, {"q": "deep buttock"})
    by_slug = client.get(url, {"q": "supine-wall"})

    assert [e.name for e in by_words.context["cl"].result_list] == [
        "Figure four stretch",
        "Our clamshell",
    ]
    assert [e.name for e in by_slug.context["cl"].result_list] == ["Wall sit"]
