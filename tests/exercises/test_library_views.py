"""The library in the app: browsing, filtering, the exercise page, and managers' own exercises."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from exercises.models import Exercise
from tests.factories import (
    EquipmentFactory,
    ExerciseFactory,
    MuscleFactory,
    ProtocolFactory,
    ProtocolItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(db):
    return ExerciseFactory(clinic=None, name="Figure four stretch", kind="stretch")


@pytest.fixture
def own(clinic):
    return ExerciseFactory(clinic=clinic, name="Our band walk", kind="strengthening")


@pytest.fixture
def theirs(other_clinic):
    return ExerciseFactory(clinic=other_clinic, name="Their secret drill")


def login(client, user):
    client.force_login(user)
    return client


# --- Who may open what ------------------------------------------------------------------


@pytest.mark.parametrize("which", ["shared", "own"])
def test_exercise_pages_open_for_staff(client, therapist, request, which):
    exercise = request.getfixturevalue(which)

    response = login(client, therapist).get(
        reverse("exercises:exercise_detail", args=[exercise.pk])
    )

    assert response.status_code == 200
    assert exercise.name in response.content.decode()


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "exercises:exercise_detail"),
        ("get", "exercises:exercise_edit"),
        ("post", "exercises:exercise_edit"),
        ("post", "exercises:exercise_archive"),
    ],
)
def test_another_clinics_exercise_is_not_found(client, manager, theirs, method, name):
    response = getattr(login(client, manager), method)(reverse(name, args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.archived) == ("Their secret drill", False)


@pytest.mark.parametrize("name", ["exercises:exercise_edit", "exercises:exercise_archive"])
def test_the_shared_library_is_read_only_to_managers(client, manager, shared, name):
    response = login(client, manager).post(reverse(name, args=[shared.pk]), {"name": "Mine now"})

    assert response.status_code == 404
    shared.refresh_from_db()
    assert (shared.name, shared.archived) == ("Figure four stretch", False)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/library/new/"),
        ("post", "/library/new/"),
        ("get", "/library/{own}/edit/"),
        ("post", "/library/{own}/archive/"),
    ],
)
def test_therapists_cannot_change_the_library(client, therapist, own, method, url):
    response = getattr(login(client, therapist), method)(url.format(own=own.pk))

    assert response.status_code == 403
    assert Exercise.objects.filter(clinic=own.clinic).count() == 1


def test_anonymous_visitors_go_to_the_login_page(client, own):
    url = reverse("exercises:exercise_detail", args=[own.pk])

    assert client.get(url)["Location"] == f"/login/?next={url}"


# --- Browsing -----------------------------------------------------------------------------


def shown(response) -> set[str]:
    return {exercise.name for exercise in response.context["page_obj"]}


def test_the_list_shows_the_library_and_the_clinics_own_but_not_others(
    client, therapist, shared, own, theirs
):
    ExerciseFactory(clinic=None, name="Old archived move", archived=True)

    response = login(client, therapist).get(reverse("exercises:exercise_list"))

    assert shown(response) == {"Figure four stretch", "Our band walk"}


@pytest.fixture
def catalogue(clinic):
    piriformis = MuscleFactory(name="Piriformis", slug="piriformis", group="outer_hip")
    psoas = MuscleFactory(name="Psoas", slug="psoas", group="hip_flexors")
    roller = EquipmentFactory(name="Foam roller", slug="foam-roller")
    figure_four = ExerciseFactory(
        clinic=None, name="Figure four", kind="stretch", position="supine", difficulty="gentle"
    )
    figure_four.muscles.add(piriformis)
    psoas_roll = ExerciseFactory(
        clinic=None, name="Psoas release", kind="mobility", position="supine", difficulty="advanced"
    )
    psoas_roll.muscles.add(psoas)
    psoas_roll.equipment.add(roller)
    ExerciseFactory(
        clinic=clinic, name="Chair hinge", kind="mobility", position="seated", difficulty="gentle"
    )
    return roller


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "figure"}, {"Figure four"}),
        ({"q": "piriformis"}, {"Figure four"}),
        ({"kind": "mobility"}, {"Psoas release", "Chair hinge"}),
        ({"position": "seated"}, {"Chair hinge"}),
        ({"difficulty": "advanced"}, {"Psoas release"}),
        ({"muscle_group": "hip_flexors"}, {"Psoas release"}),
        ({"kind": "mobility", "difficulty": "gentle"}, {"Chair hinge"}),
    ],
)
def test_filters_narrow_the_list(client, therapist, catalogue, params, expected):
    response = login(client, therapist).get(reverse("exercises:exercise_list"), params)

    assert shown(response) == expected


def test_filter_by_equipment(client, therapist, catalogue):
    response = login(client, therapist).get(
        reverse("exercises:exercise_list"), {"equipment": catalogue.pk}
    )

    assert shown(response) == {"Psoas release"}


def test_the_list_uses_the_same_queries_for_5_and_50_exercises(client, therapist, clinic):
    login(client, therapist)
    muscle = MuscleFactory()
    counts = []
    for total in (5, 50):
        Exercise.objects.all().delete()
        for _ in range(total):
            ExerciseFactory(clinic=clinic).muscles.add(muscle)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("exercises:exercise_list"))
        assert len(response.context["page_obj"]) == min(total, 25)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_exercise_page_shows_what_the_handout_prints_and_its_relations(
    client, therapist, clinic
):
    easier = ExerciseFactory(clinic=None, name="Small bridge")
    bridge = ExerciseFactory(
        clinic=None,
        name="Bridge",
        easier_version=easier,
        steps="Lie on your back.\nLift your hips.",
        precautions="Stop if your back hurts.",
        sets=3,
        reps=10,
    )
    ExerciseFactory(clinic=None, name="Single-leg bridge", easier_version=bridge)
    protocol = ProtocolFactory(clinic=None, name="Glute basics")
    ProtocolItemFactory(protocol=protocol, exercise=bridge)
    ProtocolItemFactory(
        protocol=ProtocolFactory(clinic=UserFactory().clinic, name="Theirs"), exercise=bridge
    )

    html = (
        login(client, therapist)
        .get(reverse("exercises:exercise_detail", args=[bridge.pk]))
        .content.decode()
    )

    assert "<li>Lie on your back.</li><li>Lift your hips.</li>" in html
    assert "Do 3 sets of 10 repetitions." in html
    assert "Stop if your back hurts." in html
    assert "Small bridge" in html and "Single-leg bridge" in html
    assert "Glute basics" in html and "Theirs" not in html


# --- Managers' own exercises ---------------------------------------------------------------

NEW = {
    "name": "Banded side step",
    "kind": "strengthening",
    "position": "standing",
    "difficulty": "moderate",
    "purpose": "Strengthens the side of the hip.",
    "steps": "Put the band round your knees.\nStep to the side.",
    "hold_unit": "seconds",
    "sets": "2",
    "reps": "12",
}


def png_upload(name="step.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_manager_adds_an_exercise_to_their_clinic_with_a_picture(client, manager):
    response = login(client, manager).post(
        reverse("exercises:exercise_new"), {**NEW, "clinic": "", "illustration": png_upload()}
    )

    exercise = Exercise.objects.get(name="Banded side step")
    assert response["Location"] == reverse("exercises:exercise_detail", args=[exercise.pk])
    assert exercise.clinic == manager.clinic
    assert exercise.slug == "banded-side-step"
    assert exercise.illustration.name.endswith(".png")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"steps": ""}, "This field is required."),
        ({"sets": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"hold": "10000"}, "Ensure this value is less than or equal to"),
        ({"name": "!!!"}, "Give the exercise a name with letters or numbers."),
    ],
)
def test_bad_exercise_forms_say_what_is_wrong_and_save_nothing(client, manager, changes, message):
    response = login(client, manager).post(reverse("exercises:exercise_new"), {**NEW, **changes})

    assert message in response.content.decode()
    assert not Exercise.objects.exists()


def test_a_risky_picture_is_refused(client, manager):
    svg = SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')

    response = login(client, manager).post(
        reverse("exercises:exercise_new"), {**NEW, "illustration": svg}
    )

    assert "event handler (onload)" in response.content.decode()
    assert not Exercise.objects.exists()


def test_two_exercises_of_one_clinic_cannot_share_a_name(client, manager, clinic):
    ExerciseFactory(clinic=clinic, name="Banded side step", slug="banded-side-step")

    response = login(client, manager).post(reverse("exercises:exercise_new"), NEW)

    assert "Your clinic already has an exercise with this name." in response.content.decode()


def test_an_exercise_cannot_be_its_own_easier_version(client, manager, own):
    response = login(client, manager).post(
        reverse("exercises:exercise_edit", args=[own.pk]), {**NEW, "easier_version": own.pk}
    )

    assert "Select a valid choice" in response.content.decode()
    own.refresh_from_db()
    assert own.easier_version is None


def test_archiving_hides_an_exercise_and_restoring_brings_it_back(client, manager, own):
    login(client, manager)
    url = reverse("exercises:exercise_archive", args=[own.pk])

    client.post(url)
    hidden = shown(client.get(reverse("exercises:exercise_list")))
    client.post(url)
    back = shown(client.get(reverse("exercises:exercise_list")))

    assert own.name not in hidden and own.name in back
