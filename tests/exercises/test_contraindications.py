"""An exercise's conditions to take care with: kept by the clinic's managers in the app's
exercise form and in the admin, shown to staff on the exercise's page."""

import pytest
from django.urls import reverse

from exercises.models import Condition, Contraindication
from tests.exercises.test_library_views import NEW
from tests.factories import ExerciseFactory
from tests.hipclinic.test_admin_pages import admin_url, form_data

pytestmark = pytest.mark.django_db

REASON = "Bends the hip past a right angle."


def with_cautions(data: dict, *rows: dict, initial: int = 0) -> dict:
    data = {**data, "cautions-TOTAL_FORMS": str(len(rows)), "cautions-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data |= {f"cautions-{index}-{name}": value for name, value in row.items()}
    return data


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_a_new_exercise_keeps_its_condition_and_reason(manager_client):
    data = with_cautions(NEW, {"condition": Condition.HIP_POSTERIOR, "reason": REASON})

    response = manager_client.post(reverse("exercises:exercise_new"), data)

    caution = Contraindication.objects.get(exercise__name=NEW["name"])
    assert response.status_code == 302
    assert (caution.condition, caution.reason) == (Condition.HIP_POSTERIOR, REASON)


def test_a_condition_without_a_reason_is_refused(manager_client):
    data = with_cautions(NEW, {"condition": Condition.PREGNANCY, "reason": ""})

    response = manager_client.post(reverse("exercises:exercise_new"), data)

    assert "Say why, so the therapist can judge it." in response.content.decode()
    assert not Contraindication.objects.exists()


def test_the_same_condition_twice_is_refused(manager_client):
    row = {"condition": Condition.PREGNANCY, "reason": "Lying flat for long."}

    response = manager_client.post(reverse("exercises:exercise_new"), with_cautions(NEW, row, row))

    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.content.decode()
    assert not Contraindication.objects.exists()


def test_editing_removes_a_condition_ticked_for_deletion(manager_client, manager):
    own = ExerciseFactory(clinic=manager.clinic, name="Band walk")
    caution = Contraindication.objects.create(
        exercise=own, condition=Condition.FALL_RISK, reason="Standing on one leg."
    )
    row = {"id": caution.pk, "condition": caution.condition, "reason": caution.reason}
    data = with_cautions({**NEW, "name": "Band walk"}, row | {"DELETE": "on"}, initial=1)

    response = manager_client.post(reverse("exercises:exercise_edit", args=[own.pk]), data)

    assert response.status_code == 302
    assert not own.contraindications.exists()


def test_the_exercise_page_shows_its_conditions_to_staff(client, therapist):
    exercise = ExerciseFactory(clinic=None, name="Figure-four stretch")
    Contraindication.objects.create(
        exercise=exercise, condition=Condition.HIP_POSTERIOR, reason=REASON
    )
    client.force_login(therapist)

    html = client.get(reverse("exercises:exercise_detail", args=[exercise.pk])).content.decode()

    assert f"<strong>Hip replacement, posterior approach</strong>: {REASON}" in html


def test_a_manager_adds_a_condition_in_the_admin(client, manager):
    own = ExerciseFactory(clinic=manager.clinic, name="Deep squat")
    client.force_login(manager)
    page = client.get(admin_url(own))
    data = form_data(page) | {
        "contraindications-TOTAL_FORMS": "1",
        "contraindications-0-condition": Condition.KNEE_REPLACEMENT,
        "contraindications-0-reason": "Bends the knee deeply.",
        "contraindications-0-id": "",
        "contraindications-0-exercise": own.pk,
    }

    response = client.post(admin_url(own), data)

    assert response.status_code == 302
    assert own.contraindications.get().condition == Condition.KNEE_REPLACEMENT


def test_a_shared_exercises_conditions_are_read_only_to_a_clinics_manager(client, manager):
    shared = ExerciseFactory(clinic=None, name="Pigeon stretch")
    Contraindication.objects.create(
        exercise=shared, condition=Condition.HIP_POSTERIOR, reason=REASON
    )
    client.force_login(manager)

    page = client.get(admin_url(shared))

    html = page.content.decode()
    assert REASON in html
    assert 'name="contraindications-0-reason"' not in html
