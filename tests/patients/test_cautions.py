"""Cautions: an exercise tagged with one of the patient's conditions warns the therapist,
needs their confirmation before the programme saves, and keeps who confirmed and when,
for staff only. In the builder (without JavaScript here) and on the programme page."""

import datetime

import pytest
from django.urls import reverse

from exercises.models import Condition, Contraindication
from patients.handouts import render_handout
from patients.models import PrescriptionItem
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
)
from tests.patients.test_programme_views import builder_data, edit_url
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db

POSTERIOR = Condition.HIP_POSTERIOR
REASON = "Crosses the legs and bends the hip past a right angle."
WARNING = "Take care: Hip replacement, posterior approach."
CONFIRM = "I have checked this is right for this patient"


@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic, first_name="Robin", conditions=[POSTERIOR])


@pytest.fixture
def programme(patient, therapist):
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip set")
    PrescriptionItemFactory(
        prescription=programme, order=0, exercise=ExerciseFactory(clinic=None, name="Clamshell")
    )
    return programme


@pytest.fixture
def figure_four(clinic):
    exercise = ExerciseFactory(clinic=None, name="Figure-four stretch", sets=None, reps=3, hold=30)
    Contraindication.objects.create(exercise=exercise, condition=POSTERIOR, reason=REASON)
    Contraindication.objects.create(
        exercise=exercise, condition=Condition.PREGNANCY, reason="A deep, lopsided stretch."
    )
    return exercise


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


def rows_with(programme, exercise, **row) -> list[dict]:
    """The programme's stored rows as the builder posts them, and one new row of ``exercise``."""
    rows = [
        {"key": f"item-{item.pk}", "exercise": item.exercise_id, "hold_unit": "seconds"}
        for item in programme.items.all()
    ]
    return [*rows, {"key": "new-1", "exercise": exercise.pk, "hold_unit": "seconds", **row}]


def save_with(client, programme, exercise, **row):
    data = builder_data(programme, rows=rows_with(programme, exercise, **row))
    return client.post(edit_url(programme), data)


def confirmed_item(programme, exercise, therapist) -> PrescriptionItem:
    """A stored item of ``exercise``, confirmed earlier for the posterior approach."""
    return PrescriptionItemFactory(
        prescription=programme,
        order=1,
        exercise=exercise,
        confirmed_conditions=[POSTERIOR],
        confirmed_by=therapist,
        confirmed_at=datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC),
    )


# --- The warning ----------------------------------------------------------------------


def test_adding_an_exercise_tagged_with_the_patients_condition_shows_the_warning_and_reason(
    staff_client, programme, figure_four
):
    response = staff_client.post(
        edit_url(programme), builder_data(programme, f"add:{figure_four.pk}")
    )
    html = response.content.decode()

    assert WARNING in html
    assert REASON in html
    assert CONFIRM in html
    assert "Pregnancy" not in html  # a tag the patient does not have says nothing


def test_the_status_read_out_after_adding_says_the_exercise_needs_care(
    staff_client, programme, figure_four
):
    response = staff_client.post(
        edit_url(programme), builder_data(programme, f"add:{figure_four.pk}")
    )

    assert response.context["status"] == (
        "Added Figure-four stretch as exercise 2. Take care: Hip replacement, posterior "
        "approach. Read the warning on its row and confirm it."
    )


def test_an_exercise_tagged_only_with_conditions_the_patient_lacks_shows_no_warning(
    staff_client, patient, programme, figure_four
):
    patient.conditions = [Condition.KNEE_REPLACEMENT]
    patient.save()

    response = staff_client.post(
        edit_url(programme), builder_data(programme, f"add:{figure_four.pk}")
    )

    assert "Take care" not in response.content.decode()
    assert CONFIRM not in response.content.decode()


def test_swapping_in_a_tagged_exercise_shows_the_warning(staff_client, programme, figure_four):
    clamshell = programme.items.get()
    clamshell.exercise.easier_version = figure_four
    clamshell.exercise.save()

    response = staff_client.post(
        edit_url(programme), builder_data(programme, f"easier:item-{clamshell.pk}")
    )

    assert WARNING in response.content.decode()


# --- Confirming -----------------------------------------------------------------------


def test_saving_without_confirming_is_refused_with_the_reason_on_the_row(
    staff_client, programme, figure_four
):
    response = save_with(staff_client, programme, figure_four)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert "Not saved: this exercise needs care for this patient" in html
    assert REASON in html
    assert list(programme.items.values_list("exercise__name", flat=True)) == ["Clamshell"]
    programme.refresh_from_db()
    assert programme.revision == 1


def test_confirming_records_who_when_and_which_condition(
    staff_client, therapist, programme, figure_four
):
    response = save_with(staff_client, programme, figure_four, confirm="on")

    assert response.status_code == 302
    item = programme.items.get(exercise=figure_four)
    assert item.confirmed_conditions == [POSTERIOR]
    assert item.confirmed_by == therapist
    assert item.confirmed_at is not None


def test_an_untagged_exercise_saves_with_no_confirmation(staff_client, programme):
    plain = ExerciseFactory(clinic=None, name="Bridge")

    response = save_with(staff_client, programme, plain)

    item = programme.items.get(exercise=plain)
    assert response.status_code == 302
    assert (item.confirmed_conditions, item.confirmed_by, item.confirmed_at) == ([], None, None)


def test_a_confirmation_carries_over_when_the_programme_is_saved_again(
    staff_client, therapist, programme, figure_four
):
    earlier = confirmed_item(programme, figure_four, therapist)
    colleague = UserFactory(clinic=therapist.clinic, username="kim")
    staff_client.force_login(colleague)

    response = staff_client.post(edit_url(programme), builder_data(programme))

    item = programme.items.get(exercise=figure_four)
    assert response.status_code == 302
    assert item.pk != earlier.pk  # saving replaces the items
    assert (item.confirmed_conditions, item.confirmed_by, item.confirmed_at) == (
        [POSTERIOR],
        therapist,
        earlier.confirmed_at,
    )


def test_who_and_when_are_never_read_from_the_post(staff_client, therapist, programme, figure_four):
    confirmed_item(programme, figure_four, therapist)
    colleague = UserFactory(clinic=therapist.clinic)
    data = builder_data(programme)
    for index in range(2):
        data[f"items-{index}-confirmed_by"] = colleague.pk
        data[f"items-{index}-confirmed_at"] = "2020-01-01T00:00:00Z"
        data[f"items-{index}-confirmed_conditions"] = '["pregnancy"]'

    staff_client.post(edit_url(programme), data)

    item = programme.items.get(exercise=figure_four)
    assert (item.confirmed_by, item.confirmed_at.year, item.confirmed_conditions) == (
        therapist,
        2026,
        [POSTERIOR],
    )


def test_a_confirmation_never_follows_its_key_to_another_exercise(
    staff_client, therapist, programme, figure_four
):
    stored = confirmed_item(programme, figure_four, therapist)
    pigeon = ExerciseFactory(clinic=None, name="Pigeon stretch")
    Contraindication.objects.create(exercise=pigeon, condition=POSTERIOR, reason="Deep hip bend.")
    rows = rows_with(programme, pigeon)[:-1]
    rows[1]["exercise"] = pigeon.pk  # the stored row's key, another exercise

    response = staff_client.post(edit_url(programme), builder_data(programme, rows=rows))

    assert response.status_code == 200
    assert "Deep hip bend." in response.content.decode()
    assert programme.items.filter(pk=stored.pk).exists()


def test_two_rows_posted_with_one_key_are_refused(staff_client, therapist, programme, figure_four):
    stored = confirmed_item(programme, figure_four, therapist)
    rows = rows_with(programme, figure_four, key=f"item-{stored.pk}")

    response = staff_client.post(edit_url(programme), builder_data(programme, rows=rows))

    assert response.status_code == 200
    assert "two rows of the same name" in response.content.decode()
    assert programme.items.count() == 2


# --- A condition added later -------------------------------------------------------------


def test_a_condition_added_later_needs_confirming_on_the_programme_page_and_in_the_builder(
    staff_client, therapist, patient, programme, figure_four
):
    confirmed_item(programme, figure_four, therapist)
    patient.conditions = [POSTERIOR, Condition.PREGNANCY]
    patient.save()

    page = staff_client.get(reverse("patients:programme_detail", args=[programme.pk]))
    builder = staff_client.get(edit_url(programme))
    refused = staff_client.post(edit_url(programme), builder_data(programme))

    assert "Needs confirming: Pregnancy." in page.content.decode()
    assert "Take care: Pregnancy." in builder.content.decode()
    assert CONFIRM in builder.content.decode()
    assert refused.status_code == 200
    assert programme.items.get(exercise=figure_four).confirmed_conditions == [POSTERIOR]


def test_confirming_a_condition_added_later_adds_it_and_records_who(
    staff_client, therapist, patient, programme, figure_four
):
    confirmed_item(programme, figure_four, therapist)
    patient.conditions = [POSTERIOR, Condition.PREGNANCY]
    patient.save()
    colleague = UserFactory(clinic=therapist.clinic)
    staff_client.force_login(colleague)

    staff_client.post(edit_url(programme), builder_data(programme, **{"items-1-confirm": "on"}))

    item = programme.items.get(exercise=figure_four)
    assert (item.confirmed_conditions, item.confirmed_by) == (
        [POSTERIOR, Condition.PREGNANCY],
        colleague,
    )


# --- Who sees the confirmation -------------------------------------------------------------


def test_programme_page_and_builder_show_who_confirmed_and_when(
    staff_client, therapist, programme, figure_four
):
    confirmed_item(programme, figure_four, therapist)
    expected = f"Checked for Hip replacement, posterior approach by {therapist} on 2 Nov 2026"

    page = staff_client.get(reverse("patients:programme_detail", args=[programme.pk]))
    builder = staff_client.get(edit_url(programme))

    assert expected in page.content.decode()
    assert expected in builder.content.decode()
    assert "Needs confirming" not in page.content.decode()


def test_the_handout_never_shows_the_confirmation(therapist, programme, figure_four):
    confirmed_item(programme, figure_four, therapist)

    text = pdf_text(render_handout(programme).pdf)

    assert "Figure-four stretch" in text
    assert "Checked" not in text
    assert REASON not in text
    assert "posterior approach" not in text


def test_a_ticked_confirmation_stays_ticked_through_another_button(
    staff_client, programme, figure_four
):
    rows = rows_with(programme, figure_four, confirm="on")

    response = staff_client.post(
        edit_url(programme), builder_data(programme, "up:new-1", rows=rows)
    )

    assert response.context["formset"].forms[0]["confirm"].value() == "on"
    assert response.context["rows"][0]["exercise"] == figure_four


def test_a_handout_is_not_issued_while_an_exercise_waits_for_a_check(
    staff_client, programme, figure_four, therapist
):
    """A programme started from a protocol (or copied) holds the tagged exercise unchecked."""
    PrescriptionItemFactory(prescription=programme, order=1, exercise=figure_four)

    response = staff_client.post(
        reverse("patients:issue_handout", args=[programme.pk]), follow=True
    )

    assert "Not issued: Figure-four stretch needs your check" in response.content.decode()
    assert not programme.handouts.exists()


def test_a_checked_exercise_lets_the_handout_be_issued(
    staff_client, programme, figure_four, therapist
):
    PrescriptionItemFactory(
        prescription=programme,
        order=1,
        exercise=figure_four,
        confirmed_conditions=[POSTERIOR],
        confirmed_by=therapist,
        confirmed_at=datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC),
    )

    staff_client.post(reverse("patients:issue_handout", args=[programme.pk]))

    assert programme.handouts.count() == 1
