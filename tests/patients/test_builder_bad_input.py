"""The builder's buttons with values no page sends: each gets a sentence saying what
happened, the page comes back as typed, and nothing is saved. Each of these was a
server error before (issue 13, section 6)."""

import pytest
from django.urls import reverse

from patients.models import Prescription
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.patients.test_programme_views import builder_data, stored_names

pytestmark = pytest.mark.django_db

HUGE = "1" * 30  # past SQLite's 64-bit integers: OverflowError in a lookup


@pytest.fixture
def programme(clinic, therapist):
    programme = PrescriptionFactory(
        patient=PatientFactory(clinic=clinic), therapist=therapist, title="Hip set"
    )
    bridge = ExerciseFactory(clinic=clinic, name="Bridge")
    bridge.easier_version = ExerciseFactory(clinic=clinic, name="Small bridge")
    bridge.save()
    PrescriptionItemFactory(prescription=programme, exercise=bridge, order=0)
    return programme


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


def press(client, programme, action, rows=None, **fields):
    data = builder_data(programme, action, rows=rows, **fields)
    return client.post(reverse("patients:programme_edit", args=[programme.pk]), data)


def status_of(response) -> str:
    return response.context["status"]


def unchanged(programme) -> bool:
    return Prescription.objects.get(
        pk=programme.pk
    ).revision == programme.revision and stored_names(programme) == ["Bridge"]


@pytest.mark.parametrize("argument", ["abc", HUGE, "-1", "1.5", "1 OR 1=1"])
def test_adding_an_id_that_is_no_exercise_says_it_is_not_in_the_library(
    staff_client, programme, argument
):
    response = press(staff_client, programme, f"add:{argument}", title="Typed title")

    assert response.status_code == 200
    assert status_of(response) == "That exercise is not in your library."
    assert 'value="Typed title"' in response.content.decode()
    assert unchanged(programme)


@pytest.mark.parametrize("direction", ["easier", "harder"])
@pytest.mark.parametrize("exercise", ["abc", HUGE, ""])
def test_a_variation_of_a_row_whose_exercise_is_no_id_is_none(
    staff_client, programme, direction, exercise
):
    rows = [{"key": "row-1", "exercise": exercise, "sets": 2}]

    response = press(staff_client, programme, f"{direction}:row-1", rows=rows)

    assert response.status_code == 200
    assert (
        status_of(response) == f"There is no {direction} version of that exercise in your library."
    )
    assert unchanged(programme)


def test_a_row_with_a_30_digit_exercise_id_is_refused_on_save(staff_client, programme):
    rows = [{"key": "row-1", "exercise": HUGE, "sets": 2}]

    response = press(staff_client, programme, "save", rows=rows)

    assert response.status_code == 200
    assert "That exercise is not in your library." in response.content.decode()
    assert "Nothing was saved" in status_of(response)
    assert unchanged(programme)


@pytest.mark.parametrize("action", ["refresh", "up:row-1", "remove:nobody"])
def test_rows_with_impossible_exercise_ids_still_show(staff_client, programme, action):
    rows = [{"key": "row-1", "exercise": HUGE}, {"key": "row-2", "exercise": "abc"}]

    response = press(staff_client, programme, action, rows=rows)

    assert response.status_code == 200
    assert len(response.context["rows"]) == 2
    assert all(row["exercise"] is None for row in response.context["rows"])
    assert unchanged(programme)


@pytest.mark.parametrize(
    "action", ["swap:row-1", "bogus", "add:", "up", "save:row-1", "save:", ":"]
)
def test_a_value_no_button_sends_changes_nothing_and_says_so(staff_client, programme, action):
    response = press(staff_client, programme, action)

    assert response.status_code == 200
    assert status_of(response) == "The builder did not understand that request; nothing changed."
    assert response.context["rows"][0]["exercise"].name == "Bridge"
    assert unchanged(programme)


@pytest.mark.parametrize("action", ["remove", "up", "easier"])
def test_a_button_for_a_row_that_is_gone_says_so(staff_client, programme, action):
    response = press(staff_client, programme, f"{action}:row-that-is-gone")

    assert response.status_code == 200
    assert status_of(response) == "That exercise is no longer in the programme; nothing changed."
    assert len(response.context["rows"]) == 1


@pytest.mark.parametrize("count", ["-1", "-10951"])
def test_a_miscounted_save_keeps_the_programmes_exercises(staff_client, programme, count):
    """Django reads a negative row count as "no rows": saving that would empty the programme."""
    response = press(staff_client, programme, "save", **{"items-TOTAL_FORMS": count})

    assert response.status_code == 200
    assert "sent with its rows miscounted, so nothing was saved" in response.content.decode()
    assert unchanged(programme)
