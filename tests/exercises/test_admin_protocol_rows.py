"""A protocol's rows in the admin: picking an exercise brings its usual dose, a row saved
without any dose is saved with a warning, and removing a row says so."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from exercises.models import Side
from tests.exercises.test_admin_library import add_inline_row
from tests.factories import ExerciseFactory, ProtocolFactory, ProtocolItemFactory
from tests.hipclinic.test_admin_pages import admin_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def protocol(manager):
    protocol = ProtocolFactory(clinic=manager.clinic, name="Hip basics")
    ProtocolItemFactory(
        protocol=protocol, exercise=ExerciseFactory(clinic=manager.clinic, name="Bridge")
    )
    return protocol


def warnings(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_a_row_saved_without_any_dose_is_saved_with_a_warning(client, manager, protocol):
    clamshell = ExerciseFactory(clinic=manager.clinic, name="Clamshell", sets=None, reps=None)
    client.force_login(manager)
    data = add_inline_row(form_data(client.get(admin_url(protocol))), exercise=clamshell.pk)

    response = client.post(admin_url(protocol), data)

    assert response.status_code == 302
    assert protocol.items.filter(exercise=clamshell, sets=None, reps=None).exists()
    assert warnings(response) == [
        "Saved, but with no dose for Clamshell: a programme started from this protocol "
        "would print no amount for it. Give it sets, repetitions, a hold or a time."
    ]


def test_rows_that_all_have_a_dose_are_saved_without_a_warning(client, manager, protocol):
    clamshell = ExerciseFactory(clinic=manager.clinic, name="Clamshell")
    client.force_login(manager)
    data = form_data(client.get(admin_url(protocol)))
    data = add_inline_row(data, exercise=clamshell.pk, hold=30)

    response = client.post(admin_url(protocol), data)

    assert response.status_code == 302
    assert warnings(response) == []


def test_the_exercise_picker_answers_with_each_exercises_usual_dose(client, manager, protocol):
    ExerciseFactory(clinic=manager.clinic, name="Clamshell", sets=2, reps=12, side=Side.EACH)
    client.force_login(manager)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "clamshell",
            "app_label": "exercises",
            "model_name": "protocolitem",
            "field_name": "exercise",
        },
    )

    [result] = response.json()["results"]
    assert result["text"] == "Clamshell"
    assert result["dose"] | {} == {
        "sets": 2,
        "reps": 12,
        "reps_max": None,
        "hold": None,
        "hold_max": None,
        "hold_unit": "seconds",
        "side": "each",
        "walk_minutes": None,
        "build_up_to": None,
        "times_per_day": None,
        "days_per_week": None,
        "load": "",
        "rest_seconds": None,
    }


def test_a_row_is_removed_by_a_box_saying_so_not_a_red_cross(client, manager, protocol):
    client.force_login(manager)

    html = client.get(admin_url(protocol)).content.decode()

    assert 'for="id_items-0-DELETE">Remove this row</label>' in html
    assert "Delete?" not in html
    assert 'id="delete_id_items-0-exercise"' not in html
    assert 'id="change_id_items-0-exercise"' not in html
    assert 'id="view_id_items-0-exercise"' in html  # the exercise can still be looked at
