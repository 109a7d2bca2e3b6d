"""The library in the app: browsing, filtering, the exercise page, and managers' own exercises."""

import io
from pathlib import Path

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
    SuperuserFactory,
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


@pytest.mark.parametrize(
    "url",
    ["/library/", "/library/{shared}/", "/library/{own}/", "/library/new/", "/library/{own}/edit/"],
)
def test_a_manager_opens_every_page_of_their_library(client, manager, shared, own, url):
    response = login(client, manager).get(url.format(shared=shared.pk, own=own.pk))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/library/",
        "/library/{own}/",
        "/library/new/",
        "/library/{own}/edit/",
        "/library/{own}/archive/",
    ],
)
def test_anonymous_visitors_go_to_the_login_page(client, own, url):
    url = url.format(own=own.pk)

    assert client.get(url)["Location"] == f"/login/?next={url}"


def test_archiving_is_a_post_only(client, manager, own):
    response = login(client, manager).get(reverse("exercises:exercise_archive", args=[own.pk]))

    assert response.status_code == 405
    own.refresh_from_db()
    assert own.archived is False


def test_a_platform_admin_without_a_clinic_adds_exercises_in_the_admin_not_here(client):
    response = login(client, SuperuserFactory()).post(reverse("exercises:exercise_new"), NEW)

    assert response.status_code == 403
    assert not Exercise.objects.exists()


def test_only_managers_see_new_exercise(client, therapist, manager):
    as_therapist = login(client, therapist).get(reverse("exercises:exercise_list"))
    as_manager = login(client, manager).get(reverse("exercises:exercise_list"))

    assert "New exercise" not in as_therapist.content.decode()
    assert "New exercise" in as_manager.content.decode()


@pytest.mark.parametrize(("which", "editable"), [("own", True), ("shared", False)])
def test_managers_get_edit_and_archive_on_their_clinics_exercises_only(
    client, manager, request, which, editable
):
    exercise = request.getfixturevalue(which)

    html = (
        login(client, manager)
        .get(reverse("exercises:exercise_detail", args=[exercise.pk]))
        .content.decode()
    )

    assert (reverse("exercises:exercise_edit", args=[exercise.pk]) in html) is editable
    assert (reverse("exercises:exercise_archive", args=[exercise.pk]) in html) is editable


def test_therapists_get_no_edit_button_on_their_clinics_exercises(client, therapist, own):
    html = (
        login(client, therapist)
        .get(reverse("exercises:exercise_detail", args=[own.pk]))
        .content.decode()
    )

    assert reverse("exercises:exercise_edit", args=[own.pk]) not in html


def test_the_library_asks_for_the_permission_the_admin_asks_for(client, therapist, own):
    """One vocabulary: editing an exercise needs exercises.change_exercise in the app as in
    the admin, not the manager role. A therapist granted that permission may edit in both."""
    from django.contrib.auth.models import Permission

    edit = reverse("exercises:exercise_edit", args=[own.pk])
    admin_edit = reverse("admin:exercises_exercise_change", args=[own.pk])
    login(client, therapist)
    refused = (client.get(edit).status_code, client.get(admin_edit).status_code)

    therapist.user_permissions.add(
        Permission.objects.get(content_type__app_label="exercises", codename="change_exercise")
    )
    therapist = type(therapist).objects.get(pk=therapist.pk)  # permissions are cached per object
    login(client, therapist)
    html = client.get(reverse("exercises:exercise_detail", args=[own.pk])).content.decode()

    assert refused == (403, 200)  # the admin shows it read-only (view permission)
    assert client.get(edit).status_code == 200
    assert edit in html
    assert "Save" in client.get(admin_edit).content.decode()


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


def test_managers_may_show_archived_exercises(client, manager, own):
    ExerciseFactory(clinic=own.clinic, name="Retired drill", archived=True)

    response = login(client, manager).get(reverse("exercises:exercise_list"), {"archived": "on"})

    assert shown(response) == {"Our band walk", "Retired drill"}
    assert "Archived" in response.content.decode()


def test_therapists_do_not_get_the_show_archived_switch(client, therapist, own):
    ExerciseFactory(clinic=own.clinic, name="Retired drill", archived=True)

    response = login(client, therapist).get(reverse("exercises:exercise_list"), {"archived": "on"})

    assert shown(response) == {"Our band walk"}
    assert "Show archived" not in response.content.decode()


def test_every_filter_has_a_label(client, therapist):
    html = login(client, therapist).get(reverse("exercises:exercise_list")).content.decode()

    for field in ["q", "kind", "position", "difficulty", "muscle_group", "equipment"]:
        assert f'for="id_{field}"' in html


def test_filter_by_equipment(client, therapist, catalogue):
    response = login(client, therapist).get(
        reverse("exercises:exercise_list"), {"equipment": catalogue.pk}
    )

    assert shown(response) == {"Psoas release"}


def test_the_list_uses_the_same_queries_for_5_and_50_exercises(client, therapist, clinic):
    login(client, therapist)
    muscles = [MuscleFactory(), MuscleFactory()]
    band = EquipmentFactory()
    counts = []
    for total in (5, 50):
        Exercise.objects.all().delete()
        for _ in range(total):
            exercise = ExerciseFactory(clinic=clinic)
            exercise.muscles.add(*muscles)
            exercise.equipment.add(band)
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
        cues="Keep your ribs down.",
        sets=3,
        reps=10,
    )
    bridge.muscles.add(MuscleFactory(name="Gluteus maximus", slug="gluteus-maximus"))
    bridge.equipment.add(EquipmentFactory(name="Yoga mat", slug="yoga-mat"))
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
    assert "Keep your ribs down." in html
    assert "Gluteus maximus" in html and "Yoga mat" in html
    assert "Do 3 sets of 10." in html
    assert "Stop if your back hurts." in html
    assert "Small bridge" in html and "Single-leg bridge" in html
    assert "Glute basics" in html and "Theirs" not in html


def test_archived_variations_are_not_linked(client, therapist):
    easier = ExerciseFactory(clinic=None, name="Retired small bridge", archived=True)
    bridge = ExerciseFactory(clinic=None, name="Bridge", easier_version=easier)
    ExerciseFactory(clinic=None, name="Retired big bridge", easier_version=bridge, archived=True)

    html = (
        login(client, therapist)
        .get(reverse("exercises:exercise_detail", args=[bridge.pk]))
        .content.decode()
    )

    assert "Retired small bridge" not in html and "Retired big bridge" not in html


def test_the_exercise_page_shows_its_picture(client, therapist, own):
    own.illustration.save("walk.png", png_upload().file)

    html = (
        login(client, therapist)
        .get(reverse("exercises:exercise_detail", args=[own.pk]))
        .content.decode()
    )

    assert f'src="{own.illustration.url}"' in html
    assert 'alt="How to do Our band walk"' in html


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
    # The page's conditions to take care with: none listed.
    "cautions-TOTAL_FORMS": "0",
    "cautions-INITIAL_FORMS": "0",
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
        ({"purpose": ""}, "This field is required."),
        ({"kind": "juggling"}, "Select a valid choice. juggling is not one of the available"),
        ({"reps": "101"}, "Ensure this value is less than or equal to 100."),
        ({"days_per_week": "8"}, "Ensure this value is less than or equal to 7."),
        ({"reps_max": "10"}, "The top of the range must be more than 12."),
        ({"build_up_to": "12"}, "Build up to more than the 12 to start with."),
        ({"hold_max": "5"}, "Give the hold to start the range from as well."),
        ({"illustration": SimpleUploadedFile("notes.txt", b"hello")}, "must be a PNG, JPEG or SVG"),
    ],
)
def test_bad_exercise_forms_say_what_is_wrong_and_save_nothing(client, manager, changes, message):
    response = login(client, manager).post(reverse("exercises:exercise_new"), {**NEW, **changes})

    assert message in response.content.decode()
    assert not Exercise.objects.exists()


def test_a_step_with_a_dose_figure_is_refused_on_the_steps_field(client, manager):
    steps = "Put the band round your knees.\nStep to the side 10 times."

    response = login(client, manager).post(
        reverse("exercises:exercise_new"), {**NEW, "steps": steps}
    )

    form = response.context["form"]
    assert form.errors["steps"][0].startswith("Step 2 says “10 times”.")
    assert "Step 2 says “10 times”. Say how long, how many and how often in the dose" in (
        response.content.decode()
    )
    assert not Exercise.objects.exists()


def test_a_tip_with_a_frequency_is_refused_on_the_tips_field(client, manager):
    response = login(client, manager).post(
        reverse("exercises:exercise_new"), {**NEW, "cues": "Keep your knees soft.\nDo this daily."}
    )

    assert response.context["form"].errors["cues"][0].startswith("Tip 2 says “daily”.")
    assert not Exercise.objects.exists()


def test_numbers_that_are_not_doses_are_kept_in_the_steps(client, manager):
    steps = ["Put two pillows under your knees.", "Bend one knee to 90 degrees, one at a time."]

    login(client, manager).post(
        reverse("exercises:exercise_new"), {**NEW, "steps": "\n".join(steps)}
    )

    assert Exercise.objects.get().step_list == steps


def test_a_risky_picture_is_refused(client, manager):
    svg = SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')

    response = login(client, manager).post(
        reverse("exercises:exercise_new"), {**NEW, "illustration": svg}
    )

    assert "event handler (onload)" in response.content.decode()
    assert not Exercise.objects.exists()


def test_a_picture_with_an_escaped_import_is_refused(client, settings, manager):
    svg = SimpleUploadedFile(
        "x.svg",
        rb'<svg xmlns="http://www.w3.org/2000/svg"><style>@\69mport "http://x/y.css";</style></svg>',
    )

    response = login(client, manager).post(
        reverse("exercises:exercise_new"), {**NEW, "illustration": svg}
    )

    assert "The SVG&#x27;s style uses @import" in response.content.decode()
    assert not Exercise.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.svg"))


def test_an_uploaded_svg_is_stored_as_redrawn_not_as_sent(client, manager):
    svg = SimpleUploadedFile(
        "step.svg",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
        b'<!-- editor --><metadata>notes</metadata><circle r="2"/></svg>',
    )

    login(client, manager).post(reverse("exercises:exercise_new"), {**NEW, "illustration": svg})

    exercise = Exercise.objects.get(name="Banded side step")
    with exercise.illustration.open("rb") as stored:
        assert stored.read() == (
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><circle r="2"/></svg>\n'
        )


def test_the_exercise_form_shows_the_picture_and_text_limits(client, manager):
    html = login(client, manager).get(reverse("exercises:exercise_new")).content.decode()

    assert "PNG, JPEG or SVG, at most 2 MB and 16 megapixels." in html
    assert "One step per line, in order. Up to 2,000 characters." in html
    assert 'maxlength="2000"' in html


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


def test_an_easier_version_from_another_clinic_is_refused(client, manager, other_clinic):
    theirs = ExerciseFactory(clinic=other_clinic, name="Their secret drill")

    response = login(client, manager).post(
        reverse("exercises:exercise_new"), {**NEW, "easier_version": theirs.pk}
    )

    assert "Select a valid choice" in response.content.decode()
    assert not Exercise.objects.filter(name=NEW["name"]).exists()


def test_the_easier_version_choices_are_the_visible_active_ones(
    client, manager, shared, own, theirs
):
    ExerciseFactory(clinic=None, name="Retired stretch", archived=True)

    form = (
        login(client, manager)
        .get(reverse("exercises:exercise_edit", args=[own.pk]))
        .context["form"]
    )

    names = {exercise.name for exercise in form.fields["easier_version"].queryset}
    assert names == {"Figure four stretch"}


def test_editing_keeps_the_clinic_and_follows_the_new_name(client, manager, own, shared):
    response = login(client, manager).post(
        reverse("exercises:exercise_edit", args=[own.pk]),
        {**NEW, "name": "Band walk, wide", "easier_version": shared.pk},
    )

    own.refresh_from_db()
    assert response.status_code == 302
    assert (own.name, own.slug, own.clinic_id) == (
        "Band walk, wide",
        "band-walk-wide",
        manager.clinic_id,
    )
    assert own.easier_version == shared
    assert (own.sets, own.reps) == (2, 12)


def test_editing_an_exercise_whose_easier_version_was_archived_still_saves(client, manager, own):
    retired = ExerciseFactory(clinic=own.clinic, name="Retired drill", archived=True)
    own.easier_version = retired
    own.save()

    login(client, manager).post(
        reverse("exercises:exercise_edit", args=[own.pk]),
        {**NEW, "name": "Our band walk", "easier_version": retired.pk},
    )

    own.refresh_from_db()
    assert (own.purpose, own.easier_version) == (NEW["purpose"], retired)
