"""Protocols in the app: browsing them, and managers keeping their clinic's own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.models import Protocol
from tests.factories import ExerciseFactory, ProtocolFactory, ProtocolItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(db):
    protocol = ProtocolFactory(clinic=None, name="Outer hip strength")
    for order, name in enumerate(["Clamshell", "Side plank"]):
        ProtocolItemFactory(
            protocol=protocol, order=order, exercise=ExerciseFactory(clinic=None, name=name)
        )
    return protocol


@pytest.fixture
def own(clinic):
    return ProtocolFactory(clinic=clinic, name="Our back care")


@pytest.fixture
def theirs(other_clinic):
    return ProtocolFactory(clinic=other_clinic, name="Their protocol")


def login(client, user):
    client.force_login(user)
    return client


def test_the_protocol_page_lists_its_exercises_in_order_with_doses(client, therapist, shared):
    html = (
        login(client, therapist)
        .get(reverse("exercises:protocol_detail", args=[shared.pk]))
        .content.decode()
    )

    assert html.index("Clamshell") < html.index("Side plank")
    assert "Do 3 sets of 10 repetitions." in html


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "exercises:protocol_detail"),
        ("get", "exercises:protocol_edit"),
        ("post", "exercises:protocol_edit"),
        ("post", "exercises:protocol_archive"),
    ],
)
def test_another_clinics_protocol_is_not_found(client, manager, theirs, method, name):
    response = getattr(login(client, manager), method)(reverse(name, args=[theirs.pk]))

    assert response.status_code == 404
    assert Protocol.objects.get(pk=theirs.pk).archived is False


@pytest.mark.parametrize("name", ["exercises:protocol_edit", "exercises:protocol_archive"])
def test_the_shared_protocols_are_read_only_to_managers(client, manager, shared, name):
    response = login(client, manager).post(reverse(name, args=[shared.pk]), {"name": "Mine"})

    assert response.status_code == 404
    shared.refresh_from_db()
    assert (shared.name, shared.archived) == ("Outer hip strength", False)


def test_therapists_cannot_create_protocols(client, therapist):
    response = login(client, therapist).post(reverse("exercises:protocol_new"), {"name": "X"})

    assert response.status_code == 403
    assert not Protocol.objects.exists()


def test_the_list_shows_the_library_and_the_clinics_own_and_searches(
    client, therapist, shared, own, theirs
):
    login(client, therapist)

    everything = client.get(reverse("exercises:protocol_list")).context["page_obj"]
    found = client.get(reverse("exercises:protocol_list"), {"q": "our back"}).context["page_obj"]

    assert {p.name for p in everything} == {"Outer hip strength", "Our back care"}
    assert {p.name for p in found} == {"Our back care"}


def test_the_list_uses_the_same_queries_for_5_and_50_protocols(client, therapist, clinic):
    login(client, therapist)
    counts = []
    for total in (5, 50):
        Protocol.objects.all().delete()
        for _ in range(total):
            ProtocolItemFactory(protocol=ProtocolFactory(clinic=clinic))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("exercises:protocol_list"))
        counts.append(len(queries))

    assert counts[0] == counts[1]


def formset(*rows):
    data = {
        "items-TOTAL_FORMS": len(rows),
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in {"hold_unit": "seconds", **row}.items():
            data[f"items-{index}-{key}"] = value
    return data


def test_a_manager_builds_a_protocol_in_the_order_given(client, manager, clinic):
    bridge = ExerciseFactory(clinic=None, name="Bridge")
    clam = ExerciseFactory(clinic=clinic, name="Clam")
    dropped = ExerciseFactory(clinic=None, name="Dropped")

    response = login(client, manager).post(
        reverse("exercises:protocol_new"),
        {
            "name": "Post-op week 2",
            "condition": "Hip replacement",
            **formset(
                {"exercise": bridge.pk, "ORDER": "2", "sets": "2", "reps": "8"},
                {"exercise": clam.pk, "ORDER": "1", "note": "Small range"},
                {"exercise": dropped.pk, "ORDER": "3", "DELETE": "on"},
                {},  # an empty spare row
            ),
        },
    )

    protocol = Protocol.objects.get(name="Post-op week 2")
    assert response["Location"] == reverse("exercises:protocol_detail", args=[protocol.pk])
    assert protocol.clinic == clinic and protocol.slug == "post-op-week-2"
    rows = list(protocol.items.order_by("order").values_list("exercise__name", "sets", "note"))
    assert rows == [("Clam", None, "Small range"), ("Bridge", 2, "")]


def test_a_bad_dose_in_a_protocol_row_is_refused(client, manager):
    bridge = ExerciseFactory(clinic=None, name="Bridge")

    response = login(client, manager).post(
        reverse("exercises:protocol_new"),
        {"name": "Bad", **formset({"exercise": bridge.pk, "ORDER": "1", "sets": "0"})},
    )

    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert not Protocol.objects.exists()


def test_another_clinics_exercise_cannot_go_into_a_protocol(client, manager, other_clinic):
    foreign = ExerciseFactory(clinic=other_clinic)

    response = login(client, manager).post(
        reverse("exercises:protocol_new"),
        {"name": "Sneaky", **formset({"exercise": foreign.pk, "ORDER": "1"})},
    )

    assert "Select a valid choice" in response.content.decode()
    assert not Protocol.objects.exists()


def test_editing_a_protocol_keeps_programmes_made_from_it(client, manager, own, therapist):
    from patients.prescribing import prescription_from_protocol
    from tests.factories import PatientFactory

    ProtocolItemFactory(protocol=own, exercise=ExerciseFactory(clinic=None, name="Knee hug"))
    programme = prescription_from_protocol(PatientFactory(clinic=own.clinic), own, therapist)

    login(client, manager).post(
        reverse("exercises:protocol_edit", args=[own.pk]), {"name": "Our back care", **formset()}
    )

    assert own.items.count() == 0
    assert list(programme.items.values_list("exercise__name", flat=True)) == ["Knee hug"]
