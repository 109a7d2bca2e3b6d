"""The programme pages: starting a programme, the builder, and the programme page."""

import re

import pytest
from django.urls import reverse

from patients.models import Prescription, PrescriptionItem
from tests.factories import (
    ExerciseFactory,
    HandoutFactory,
    MuscleFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    ProtocolItemFactory,
)

pytestmark = pytest.mark.django_db

DOSE = ["sets", "reps", "hold", "hold_unit", "side", "times_per_day", "days_per_week", "load"]


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(clinic=clinic, first_name="Robin", primary_therapist=therapist)


@pytest.fixture
def programme(patient, therapist):
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip set")
    for order, name in enumerate(["Clamshell", "Bridge", "Butterfly stretch"]):
        PrescriptionItemFactory(
            prescription=programme,
            order=order,
            exercise=ExerciseFactory(clinic=patient.clinic, name=name),
            sets=2,
            reps=10,
            note=f"note for {name}",
        )
    return programme


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


def edit_url(programme):
    return reverse("patients:programme_edit", args=[programme.pk])


def builder_data(programme, action="save", *, rows=None, **fields):
    """What the builder posts: the programme's fields and its rows, as the page would send them."""
    if rows is None:
        rows = [
            {
                "key": f"item-{item.pk}",
                "exercise": item.exercise_id,
                "note": item.note,
                **{k: v for k, v in item.dose_values().items() if k in DOSE},
            }
            for item in programme.items.all()
        ]
    data = {
        "action": action,
        "title": programme.title,
        "status": programme.status,
        "start_date": "",
        "review_date": "",
        "instructions": programme.instructions,
        "seen_revision": programme.revision,
        "items-TOTAL_FORMS": len(rows),
        "items-INITIAL_FORMS": 0,
        **fields,
    }
    for index, row in enumerate(rows):
        row = {"position": index, **row}
        for name, value in row.items():
            data[f"items-{index}-{name}"] = "" if value is None else value
    return data


def row_names(response) -> list[str]:
    """The exercise names of the builder's rows, in the order shown."""
    html = response.content.decode()
    return re.findall(r'<span class="item-number">\d+</span>\. ([^<]+)</h3>', html)


def stored_names(programme) -> list[str]:
    return list(programme.items.order_by("order").values_list("exercise__name", flat=True))


# --- Who may open what ------------------------------------------------------------------

PAGES = ["programme_detail", "programme_edit"]


@pytest.mark.parametrize("name", PAGES)
def test_programme_pages_open_for_the_clinics_staff(staff_client, programme, name):
    response = staff_client.get(reverse(f"patients:{name}", args=[programme.pk]))

    assert response.status_code == 200
    assert "Hip set" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", [*PAGES, "programme_new"])
def test_another_clinics_programme_or_patient_is_not_found(
    client, other_clinic, programme, name, method
):
    from tests.factories import UserFactory

    client.force_login(UserFactory(clinic=other_clinic))
    pk = programme.patient.pk if name == "programme_new" else programme.pk
    url = reverse(f"patients:{name}", args=[pk])

    response = getattr(client, method)(url, builder_data(programme) if method == "post" else None)

    assert (
        response.status_code == 404
        if not (name == "programme_detail" and method == "post")
        else 405
    )
    assert Prescription.objects.get(pk=programme.pk).revision == programme.revision


@pytest.mark.parametrize("name", [*PAGES, "programme_new"])
def test_anonymous_visitors_go_to_the_login_page(client, programme, name):
    pk = programme.patient.pk if name == "programme_new" else programme.pk
    url = reverse(f"patients:{name}", args=[pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


# --- Starting a programme ---------------------------------------------------------------


def test_new_empty_programme_needs_a_title(staff_client, patient):
    url = reverse("patients:programme_new", args=[patient.pk])

    response = staff_client.post(url, {"start_from": "empty", "title": ""})

    assert "Give the new programme a title." in response.content.decode()
    assert not Prescription.objects.filter(patient=patient).exists()


def test_new_programme_from_a_protocol_copies_its_exercises_and_opens_the_builder(
    staff_client, patient, therapist
):
    protocol = ProtocolFactory(clinic=patient.clinic, name="Outer hip")
    ProtocolItemFactory(protocol=protocol, order=0, exercise=ExerciseFactory(name="Side plank"))
    ProtocolItemFactory(protocol=protocol, order=1, exercise=ExerciseFactory(name="Clam"))
    url = reverse("patients:programme_new", args=[patient.pk])

    response = staff_client.post(url, {"start_from": "protocol", "protocol": protocol.pk})

    programme = Prescription.objects.get(patient=patient)
    assert response["Location"] == edit_url(programme)
    assert programme.title == "Outer hip"
    assert programme.therapist == therapist
    assert stored_names(programme) == ["Side plank", "Clam"]


def test_starting_from_a_protocol_without_choosing_one_says_so(staff_client, patient):
    url = reverse("patients:programme_new", args=[patient.pk])

    response = staff_client.post(url, {"start_from": "protocol", "title": "X"})

    assert "Choose the protocol to start from." in response.content.decode()
    assert not Prescription.objects.filter(patient=patient).exists()


def test_copying_another_patients_programme_copies_doses_and_notes_not_dates(
    staff_client, programme, clinic
):
    other_patient = PatientFactory(clinic=clinic)
    url = reverse("patients:programme_new", args=[other_patient.pk])

    staff_client.post(url, {"start_from": "copy", "source": programme.pk, "title": "Copied"})

    copy = Prescription.objects.get(patient=other_patient)
    assert copy.title == "Copied"
    assert stored_names(copy) == stored_names(programme)
    assert list(copy.items.values_list("note", "sets", "reps")) == list(
        programme.items.values_list("note", "sets", "reps")
    )
    assert copy.start_date is None and copy.review_date is None


def test_a_protocol_chosen_with_empty_still_ticked_starts_from_the_protocol(staff_client, patient):
    protocol = ProtocolFactory(clinic=patient.clinic, name="Outer hip")
    ProtocolItemFactory(protocol=protocol, order=0, exercise=ExerciseFactory(name="Clam"))
    url = reverse("patients:programme_new", args=[patient.pk])

    response = staff_client.post(url, {"start_from": "empty", "protocol": protocol.pk, "title": ""})

    programme = Prescription.objects.get(patient=patient)
    assert response["Location"] == edit_url(programme)
    assert programme.title == "Outer hip"
    assert stored_names(programme) == ["Clam"]


def test_a_programme_chosen_to_copy_with_empty_still_ticked_is_copied(
    staff_client, programme, clinic
):
    other_patient = PatientFactory(clinic=clinic)
    url = reverse("patients:programme_new", args=[other_patient.pk])

    staff_client.post(url, {"start_from": "empty", "source": programme.pk, "title": ""})

    copy = Prescription.objects.get(patient=other_patient)
    assert copy.title == programme.title
    assert stored_names(copy) == stored_names(programme)


def test_a_protocol_and_a_copy_both_chosen_with_empty_ticked_asks_which(
    staff_client, programme, clinic
):
    protocol = ProtocolFactory(clinic=clinic)
    other_patient = PatientFactory(clinic=clinic)
    url = reverse("patients:programme_new", args=[other_patient.pk])

    response = staff_client.post(
        url, {"start_from": "empty", "protocol": protocol.pk, "source": programme.pk}
    )

    assert "Choose whether to start from the protocol or the copy." in response.content.decode()
    assert "Give the new programme a title." not in response.content.decode()
    assert not Prescription.objects.filter(patient=other_patient).exists()


def test_another_clinics_protocol_cannot_be_chosen(staff_client, patient, other_clinic):
    foreign = ProtocolFactory(clinic=other_clinic)
    url = reverse("patients:programme_new", args=[patient.pk])

    response = staff_client.post(url, {"start_from": "protocol", "protocol": foreign.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Prescription.objects.filter(patient=patient).exists()


# --- The builder ------------------------------------------------------------------------


def test_builder_shows_each_exercise_with_the_dose_the_patient_will_read(staff_client, programme):
    response = staff_client.get(edit_url(programme))

    assert row_names(response) == ["Clamshell", "Bridge", "Butterfly stretch"]
    assert "Do 2 sets of 10." in response.content.decode()


def test_saving_stores_the_new_order_dose_and_note_and_bumps_the_revision(staff_client, programme):
    data = builder_data(programme)
    # Bridge first, then Clamshell, as a drag would leave the hidden positions.
    data["items-0-position"], data["items-1-position"] = 1, 0
    data["items-1-sets"] = 4
    data["items-1-note"] = "Squeeze your bottom at the top."
    data["title"] = "Hip set, week 2"

    response = staff_client.post(edit_url(programme), data)

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Hip set, week 2"
    assert programme.revision == 2
    assert stored_names(programme) == ["Bridge", "Clamshell", "Butterfly stretch"]
    bridge = programme.items.get(exercise__name="Bridge")
    assert (bridge.order, bridge.sets, bridge.note) == (0, 4, "Squeeze your bottom at the top.")


def test_an_out_of_range_dose_is_refused_and_keeps_everything_typed(staff_client, programme):
    data = builder_data(programme, title="A new title I typed")
    data["items-0-hold"] = 10_000
    data["items-2-note"] = "typed but not yet saved"

    response = staff_client.post(edit_url(programme), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert "Ensure this value is less than or equal to" in html
    assert "A new title I typed" in html and "typed but not yet saved" in html
    programme.refresh_from_db()
    assert (programme.title, programme.revision) == ("Hip set", 1)


def test_a_save_over_someone_elses_newer_save_is_refused(staff_client, programme):
    opened = builder_data(programme)
    first = builder_data(programme)
    first["items-0-note"] = "the first therapist's work"
    staff_client.post(edit_url(programme), first)

    opened["items-0-note"] = "the second therapist's work"
    response = staff_client.post(edit_url(programme), opened)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone saved this programme while you were editing it" in html
    assert "the second therapist&#x27;s work" in html  # still on screen, not lost
    programme.refresh_from_db()
    assert programme.revision == 2
    assert programme.items.get(order=0).note == "the first therapist's work"


def test_adding_an_exercise_puts_it_last_with_its_default_dose_without_saving(
    staff_client, programme
):
    hinge = ExerciseFactory(clinic=None, name="Seated hip hinge", sets=None, reps=5, hold=3)

    response = staff_client.post(edit_url(programme), builder_data(programme, f"add:{hinge.pk}"))

    html = response.content.decode()
    assert row_names(response)[-1] == "Seated hip hinge"
    assert "Added Seated hip hinge as exercise 4." in html
    assert "Hold for 3 seconds each time. Do this 5 times." in html
    assert programme.items.count() == 3  # nothing stored until Save


def test_another_clinics_exercise_cannot_be_added_or_saved(staff_client, programme, other_clinic):
    foreign = ExerciseFactory(clinic=other_clinic, name="Their secret move")

    added = staff_client.post(edit_url(programme), builder_data(programme, f"add:{foreign.pk}"))
    rows = builder_data(programme)
    rows["items-0-exercise"] = foreign.pk
    saved = staff_client.post(edit_url(programme), rows)

    assert "Their secret move" not in added.content.decode()
    assert "That exercise is not in your library." in added.content.decode()
    assert "That exercise is not in your library." in saved.content.decode()
    assert "Their secret move" not in stored_names(programme)


@pytest.mark.parametrize(
    ("action", "row", "expected"),
    [
        ("up", 1, ["Bridge", "Clamshell", "Butterfly stretch"]),
        ("down", 0, ["Bridge", "Clamshell", "Butterfly stretch"]),
        ("up", 0, ["Clamshell", "Bridge", "Butterfly stretch"]),  # already first
        ("remove", 1, ["Clamshell", "Butterfly stretch"]),
    ],
)
def test_row_buttons_change_the_rows_on_screen_only(staff_client, programme, action, row, expected):
    key = f"item-{programme.items.all()[row].pk}"

    response = staff_client.post(edit_url(programme), builder_data(programme, f"{action}:{key}"))

    assert row_names(response) == expected
    assert stored_names(programme) == ["Clamshell", "Bridge", "Butterfly stretch"]


def test_swapping_for_the_easier_version_takes_its_dose_and_asks_about_the_note(
    staff_client, programme
):
    bridge = programme.items.get(exercise__name="Bridge")
    easier = ExerciseFactory(clinic=None, name="Small bridge", sets=1, reps=5)
    bridge.exercise.easier_version = easier
    bridge.exercise.save()
    data = builder_data(programme, f"easier:item-{bridge.pk}")

    response = staff_client.post(edit_url(programme), data)
    html = response.content.decode()

    assert row_names(response) == ["Clamshell", "Small bridge", "Butterfly stretch"]
    assert "Do this 5 times." in html
    assert "note for Bridge" in html
    assert "This note was written for Bridge. Keep it for Small bridge?" in html
    assert "Harder: Bridge" in html  # and back again in one click


def test_saving_with_htmx_asks_the_browser_to_go_to_the_programme_page(staff_client, programme):
    response = staff_client.post(
        edit_url(programme), builder_data(programme), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("patients:programme_detail", args=[programme.pk])


def test_saving_an_empty_programme_removes_every_exercise(staff_client, programme):
    response = staff_client.post(edit_url(programme), builder_data(programme, rows=[]))

    assert response.status_code == 302
    assert not PrescriptionItem.objects.filter(prescription=programme).exists()


# --- Finding exercises ------------------------------------------------------------------


def search(client, **params):
    query = {f"find-{key}": value for key, value in params.items()}
    response = client.get(reverse("patients:programme_exercise_search"), query)
    return response, response.content.decode()


def test_search_finds_by_name_and_by_muscle_within_the_clinics_library(
    staff_client, clinic, other_clinic
):
    piriformis = MuscleFactory(name="Piriformis", slug="piriformis")
    figure_four = ExerciseFactory(clinic=None, name="Figure four stretch")
    figure_four.muscles.add(piriformis)
    ExerciseFactory(clinic=clinic, name="Our figure drill")
    ExerciseFactory(clinic=other_clinic, name="Their figure drill")
    ExerciseFactory(clinic=clinic, name="Archived figure", archived=True)

    _, by_name = search(staff_client, q="figure")
    _, by_muscle = search(staff_client, q="piriformis")

    assert "Figure four stretch" in by_name and "Our figure drill" in by_name
    assert "Their figure drill" not in by_name and "Archived figure" not in by_name
    assert "Figure four stretch" in by_muscle and "Our figure drill" not in by_muscle


def test_search_filters_by_position_and_difficulty(staff_client, clinic):
    ExerciseFactory(clinic=clinic, name="Chair twist", position="seated", difficulty="gentle")
    ExerciseFactory(clinic=clinic, name="Floor twist", position="supine", difficulty="gentle")

    _, seated = search(staff_client, position="seated")

    assert "Chair twist" in seated and "Floor twist" not in seated


def test_search_without_javascript_shows_results_in_the_builder(staff_client, programme):
    ExerciseFactory(clinic=None, name="Happy baby")

    response = staff_client.post(
        edit_url(programme), {**builder_data(programme, "search"), "find-q": "happy"}
    )

    assert 'value="add:' in response.content.decode()
    assert "Happy baby" in response.content.decode()


# --- The programme page -----------------------------------------------------------------


def test_programme_page_lists_exercises_doses_and_every_issued_revision(staff_client, programme):
    HandoutFactory(prescription=programme, revision=1, page_count=3)
    HandoutFactory(prescription=programme, revision=2, page_count=4)

    html = staff_client.get(reverse("patients:programme_detail", args=[programme.pk])).content
    html = html.decode()

    assert html.index("Clamshell") < html.index("Bridge") < html.index("Butterfly stretch")
    assert "Do 2 sets of 10." in html and "note for Bridge" in html
    assert "Download version 1" in html and "Download version 2" in html
    assert reverse("patients:preview_handout", args=[programme.pk]) in html
    assert reverse("patients:issue_handout", args=[programme.pk]) in html


# --- Queries do not grow with the rows ----------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_programme_pages_use_the_same_queries_for_5_and_50_exercises(
    staff_client, patient, therapist, name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (5, 50):
        programme = PrescriptionFactory(patient=patient, therapist=therapist)
        for order in range(size):
            item = PrescriptionItemFactory(prescription=programme, order=order)
            item.exercise.easier_version = ExerciseFactory(clinic=patient.clinic)
            item.exercise.save()
            HandoutFactory(prescription=programme, revision=order + 1)
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse(f"patients:{name}", args=[programme.pk]))
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
