"""The library in the admin: shared rows are read-only to clinics, archiving hides an
exercise from new programmes without breaking old ones, and protocol items reorder."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from exercises.models import Exercise, ProtocolItem
from tests.factories import (
    ExerciseFactory,
    ManagerFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    ProtocolItemFactory,
    SuperuserFactory,
    UserFactory,
)
from tests.hipclinic.test_admin_pages import admin_url, changelist_url, form_data
from tests.patients.test_handouts import PNG_1PX

pytestmark = pytest.mark.django_db


def add_inline_row(data: dict, prefix: str = "items", **fields) -> dict:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    row = {"hold_unit": "seconds", "order": "0", "id": ""} | fields
    data = data | {f"{prefix}-{index}-{name}": str(value) for name, value in row.items()}
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return data


def with_orders(data: dict, orders: dict, prefix: str = "items") -> dict:
    """``data`` with the item of each pk in ``orders`` posted at the given order value."""
    data = dict(data)
    for index in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        pk = data.get(f"{prefix}-{index}-id")
        if pk and int(pk) in orders:
            data[f"{prefix}-{index}-order"] = str(orders[int(pk)])
    return data


def positions(protocol) -> list[tuple[str, int]]:
    return [(item.exercise.name, item.order) for item in protocol.items.order_by("order")]


@pytest.fixture
def shared_exercise():
    return ExerciseFactory(clinic=None, name="Library Butterfly Stretch")


@pytest.fixture
def protocol(manager):
    protocol = ProtocolFactory(clinic=manager.clinic, name="Hip basics")
    for order, name in enumerate(["Clamshell", "Bridge", "Bird dog"]):
        ProtocolItemFactory(
            protocol=protocol,
            exercise=ExerciseFactory(clinic=manager.clinic, name=name),
            order=order,
        )
    return protocol


def test_library_exercise_is_listed_for_every_clinic(client, shared_exercise, clinic, other_clinic):
    for user in (UserFactory(clinic=clinic), ManagerFactory(clinic=other_clinic)):
        client.force_login(user)

        response = client.get(changelist_url(Exercise))

        assert "Library Butterfly Stretch" in response.content.decode()


def test_manager_sees_a_library_exercise_read_only(client, manager, shared_exercise):
    client.force_login(manager)

    response = client.get(admin_url(shared_exercise))

    assert response.status_code == 200
    assert "Library Butterfly Stretch" in response.content.decode()
    assert 'name="name"' not in response.content.decode()


def test_manager_cannot_change_or_delete_a_library_exercise(client, manager, shared_exercise):
    client.force_login(manager)

    edit = client.post(admin_url(shared_exercise), {"name": "Renamed by a clinic"})
    delete = client.post(admin_url(shared_exercise, "delete"), {"post": "yes"})

    shared_exercise.refresh_from_db()
    assert (edit.status_code, delete.status_code) == (403, 403)
    assert shared_exercise.name == "Library Butterfly Stretch"


def test_manager_cannot_reorder_or_edit_a_library_protocols_items(client, manager):
    shared = ProtocolFactory(clinic=None, name="Library protocol")
    items = [
        ProtocolItemFactory(protocol=shared, exercise=ExerciseFactory(clinic=None), order=n)
        for n in range(2)
    ]
    client.force_login(manager)

    page = client.get(admin_url(shared))
    posted = client.post(admin_url(shared), {"name": "Taken", "items-0-order": "1"})

    assert page.status_code == 200
    assert 'name="items-0-exercise"' not in page.content.decode()
    assert posted.status_code == 403
    assert list(shared.items.values_list("pk", flat=True)) == [item.pk for item in items]


def test_superuser_changes_the_library(client, shared_exercise):
    client.force_login(SuperuserFactory())
    page = client.get(admin_url(shared_exercise))

    response = client.post(admin_url(shared_exercise), form_data(page) | {"name": "Butterfly"})

    shared_exercise.refresh_from_db()
    assert response.status_code == 302
    assert shared_exercise.name == "Butterfly"
    assert shared_exercise.clinic is None


def test_library_exercise_cannot_point_to_a_clinics_exercise(client, shared_exercise, clinic):
    own = ExerciseFactory(clinic=clinic)
    client.force_login(SuperuserFactory())
    page = client.get(admin_url(shared_exercise))

    response = client.post(admin_url(shared_exercise), form_data(page) | {"easier_version": own.pk})

    shared_exercise.refresh_from_db()
    assert response.status_code == 200
    assert "same library" in response.content.decode()
    assert shared_exercise.easier_version is None


def test_library_protocol_cannot_hold_a_clinics_exercise(client, clinic):
    shared = ProtocolFactory(clinic=None)
    own = ExerciseFactory(clinic=clinic)
    client.force_login(SuperuserFactory())
    page = client.get(admin_url(shared))

    response = client.post(admin_url(shared), add_inline_row(form_data(page), exercise=own.pk))

    assert response.status_code == 200
    assert not shared.items.exists()


def test_archive_action_archives_own_exercises_and_leaves_the_library(
    client, manager, shared_exercise
):
    own = ExerciseFactory(clinic=manager.clinic)
    client.force_login(manager)

    response = client.post(
        changelist_url(Exercise),
        {"action": "archive", "_selected_action": [own.pk, shared_exercise.pk]},
        follow=True,
    )

    own.refresh_from_db()
    shared_exercise.refresh_from_db()
    assert own.archived
    assert not shared_exercise.archived
    assert "only platform admins change the library" in response.content.decode()


def test_unarchive_action_restores_exercises(client, manager):
    own = ExerciseFactory(clinic=manager.clinic, archived=True)
    client.force_login(manager)

    client.post(changelist_url(Exercise), {"action": "unarchive", "_selected_action": [own.pk]})

    own.refresh_from_db()
    assert not own.archived


def test_therapist_is_not_offered_the_archive_action(client, therapist):
    client.force_login(therapist)

    response = client.get(changelist_url(Exercise))

    assert 'value="archive"' not in response.content.decode()


def test_archived_exercise_is_not_offered_by_the_exercise_picker(client, therapist):
    ExerciseFactory(clinic=therapist.clinic, name="Old squat", archived=True)
    ExerciseFactory(clinic=therapist.clinic, name="New squat")
    client.force_login(therapist)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "patients", "model_name": "prescriptionitem", "field_name": "exercise"},
    )

    assert [row["text"] for row in response.json()["results"]] == ["New squat"]


def test_programme_keeps_an_archived_exercise_and_still_saves(client, therapist):
    item = PrescriptionItemFactory(prescription__patient__clinic=therapist.clinic, note="Slowly")
    item.exercise.archived = True
    item.exercise.save()
    client.force_login(therapist)
    prescription = item.prescription
    page = client.get(admin_url(prescription))

    response = client.post(admin_url(prescription), form_data(page) | {"items-0-note": "Slower"})

    item.refresh_from_db()
    assert response.status_code == 302
    assert (item.exercise.archived, item.note) == (True, "Slower")


def test_archived_exercise_cannot_be_added_to_a_programme(client, therapist):
    item = PrescriptionItemFactory(prescription__patient__clinic=therapist.clinic)
    archived = ExerciseFactory(clinic=therapist.clinic, archived=True, name="Old squat")
    client.force_login(therapist)
    page = client.get(admin_url(item.prescription))

    response = client.post(
        admin_url(item.prescription), add_inline_row(form_data(page), exercise=archived.pk)
    )

    assert response.status_code == 200
    assert "is archived" in response.content.decode()
    assert item.prescription.items.count() == 1


def test_exercise_page_lists_harder_versions_of_own_clinic_and_library(client, manager):
    easy = ExerciseFactory(clinic=None, name="Library bridge")
    ExerciseFactory(clinic=manager.clinic, name="Single-leg bridge", easier_version=easy)
    ExerciseFactory(clinic=None, name="Marching bridge", easier_version=easy)
    ExerciseFactory(name="Zebediah Clinic-B-Only bridge", easier_version=easy)
    client.force_login(manager)

    content = client.get(admin_url(easy)).content.decode()

    assert "Single-leg bridge" in content
    assert "Marching bridge" in content
    assert "Clinic-B-Only" not in content


def test_swapping_two_protocol_items_persists(client, manager, protocol):
    clamshell, bridge, _ = protocol.items.order_by("order")
    client.force_login(manager)
    page = client.get(admin_url(protocol))

    response = client.post(
        admin_url(protocol), with_orders(form_data(page), {clamshell.pk: 1, bridge.pk: 0})
    )

    assert response.status_code == 302
    assert positions(protocol) == [("Bridge", 0), ("Clamshell", 1), ("Bird dog", 2)]


def test_drag_numbering_from_one_moves_last_item_first(client, manager, protocol):
    clamshell, bridge, bird_dog = protocol.items.order_by("order")
    client.force_login(manager)
    page = client.get(admin_url(protocol))
    # The drag-and-drop script numbers rows from 1.
    data = with_orders(form_data(page), {bird_dog.pk: 1, clamshell.pk: 2, bridge.pk: 3})

    client.post(admin_url(protocol), data)

    assert positions(protocol) == [("Bird dog", 0), ("Clamshell", 1), ("Bridge", 2)]


def test_deleting_an_item_closes_the_gap_and_new_items_go_last(client, manager, protocol):
    clamshell = protocol.items.get(order=0)
    squat = ExerciseFactory(clinic=manager.clinic, name="Squat")
    client.force_login(manager)
    page = client.get(admin_url(protocol))
    data = add_inline_row(form_data(page), exercise=squat.pk, sets=2, reps=8)
    data["items-0-DELETE"] = "on"

    response = client.post(admin_url(protocol), data)

    assert response.status_code == 302
    assert not ProtocolItem.objects.filter(pk=clamshell.pk).exists()
    assert positions(protocol) == [("Bridge", 0), ("Bird dog", 1), ("Squat", 2)]


def test_protocol_item_can_use_a_library_exercise(client, manager, protocol, shared_exercise):
    client.force_login(manager)
    page = client.get(admin_url(protocol))

    response = client.post(
        admin_url(protocol), add_inline_row(form_data(page), exercise=shared_exercise.pk)
    )

    assert response.status_code == 302
    assert protocol.items.order_by("order").last().exercise == shared_exercise


def test_protocol_list_offers_to_start_a_programme(client, therapist):
    protocol = ProtocolFactory(clinic=therapist.clinic)
    client.force_login(therapist)

    content = client.get(changelist_url(type(protocol))).content.decode()

    url = reverse("admin:patients_prescription_from_protocol")
    assert f'href="{url}?protocol={protocol.pk}"' in content


def test_the_admin_checks_uploaded_pictures_like_the_app(client, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    own = ExerciseFactory(clinic=manager.clinic)
    client.force_login(manager)
    page = client.get(admin_url(own))
    evil = SimpleUploadedFile(
        "evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )

    response = client.post(admin_url(own), form_data(page) | {"illustration": evil})

    assert response.status_code == 200
    assert "contains &lt;script&gt;" in response.content.decode()
    own.refresh_from_db()
    assert not own.illustration


def test_manager_gives_own_exercise_a_pose_and_it_is_drawn(client, manager):
    own = ExerciseFactory(clinic=manager.clinic, name="Our kneeling stretch")
    client.force_login(manager)
    page = client.get(admin_url(own))

    response = client.post(admin_url(own), form_data(page) | {"pose": '{"base": "half_kneeling"}'})

    own.refresh_from_db()
    assert response.status_code == 302
    assert own.pose == {"base": "half_kneeling"}
    assert own.illustration.name.startswith("exercise-illustrations/drawn/")
    with own.illustration.open("rb") as drawing:
        assert b"<title>Our kneeling stretch</title>" in drawing.read()


def test_admin_refuses_an_impossible_pose_naming_the_field(client, manager):
    own = ExerciseFactory(clinic=manager.clinic)
    client.force_login(manager)
    page = client.get(admin_url(own))

    response = client.post(
        admin_url(own),
        form_data(page) | {"pose": '{"base": "supine", "near": {"knee": 400}}'},
    )

    own.refresh_from_db()
    assert response.status_code == 200
    assert "pose.near.knee: 400 is out of range (0 to 160 degrees)." in response.content.decode()
    assert (own.pose, own.illustration.name) == ({}, "")


def test_uploaded_picture_in_the_admin_keeps_its_place_over_a_pose(client, manager):
    own = ExerciseFactory(clinic=manager.clinic)
    own.illustration.save("photo.png", ContentFile(PNG_1PX))
    client.force_login(manager)
    page = client.get(admin_url(own))

    response = client.post(admin_url(own), form_data(page) | {"pose": '{"base": "standing"}'})

    own.refresh_from_db()
    assert response.status_code == 302
    assert own.pose == {"base": "standing"}
    assert own.illustration.name == "exercise-illustrations/photo.png"


def test_admin_refuses_a_step_with_a_dose_figure_on_the_steps_field(client, manager):
    own = ExerciseFactory(clinic=manager.clinic)
    client.force_login(manager)
    page = client.get(admin_url(own))

    response = client.post(
        admin_url(own), form_data(page) | {"steps": "Lie on your side.\nHold for 45 seconds."}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["steps"][0].startswith("Step 2 says “45 seconds”.")
    assert "Step 2 says “45 seconds”. Say how long" in response.content.decode()
    own.refresh_from_db()
    assert "45" not in own.steps


def test_admin_refuses_a_protocol_description_that_counts_its_exercises(client, manager):
    protocol = ProtocolFactory(clinic=manager.clinic, name="Hip basics")
    client.force_login(manager)
    page = client.get(admin_url(protocol))

    response = client.post(
        admin_url(protocol), form_data(page) | {"description": "Three moves, twice a day."}
    )

    assert response.status_code == 200
    assert "The description says “Three moves”, “twice a day”." in response.content.decode()
    protocol.refresh_from_db()
    assert protocol.description != "Three moves, twice a day."


def test_admin_refuses_an_end_pose_numbered_beyond_the_exercises_steps(client, manager):
    own = ExerciseFactory(clinic=manager.clinic)
    client.force_login(manager)
    page = client.get(admin_url(own))
    pose = '{"base": "supine", "end": {"step": 3, "near": {"hip": 40}}}'

    response = client.post(
        admin_url(own), form_data(page) | {"steps": "Lie down.\nLift one leg.", "pose": pose}
    )

    own.refresh_from_db()
    assert response.status_code == 200
    assert "pose.end.step: 3 is beyond the exercise&#x27;s steps (it has 2)." in (
        response.content.decode()
    )
    assert (own.pose, own.illustration.name) == ({}, "")
